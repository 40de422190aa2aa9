export interface RecordServiceSchema {
  name: string;
  title?: string;
  typeName?: string;
  port?: number;
  managementPort?: number;
  template?: string;
  skipCatalogueJson?: boolean;
  skipFormat?: boolean;
}
