export interface RecordServiceSchema {
  name: string;
  title?: string;
  typeName?: string;
  port?: number;
  template?: string;
  skipCatalogueJson?: boolean;
}
