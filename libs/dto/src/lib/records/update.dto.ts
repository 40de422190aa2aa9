import { catalogueOf, mutableFieldsOf, TOPICS, type FieldSpec, type Topic } from '@datalake/kafka-schemas';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { apiPropertyOf } from './catalogue-property';

/** Body of `PUT /<resource>/:id`: some of the record's mutable fields. */
export type RecordUpdate = Record<string, unknown>;

/** The field's constraints, in the order the hand-written DTOs declared them (messages keep that order). */
function constraintsOf(field: FieldSpec): PropertyDecorator[] {
  if (field.enum) return [IsIn([...field.enum])];
  const type = field.type === 'integer' ? IsInt() : field.type === 'number' ? IsNumber() : IsString();
  const limits: PropertyDecorator[] = [];
  if (field.minLength !== undefined) limits.push(MinLength(field.minLength));
  if (field.maxLength !== undefined) limits.push(MaxLength(field.maxLength));
  if (field.minimum !== undefined) limits.push(Min(field.minimum));
  if (field.maximum !== undefined) limits.push(Max(field.maximum));
  if (field.pattern) limits.push(Matches(new RegExp(field.pattern.source), { message: field.pattern.message }));
  return [type, ...limits];
}

const built = new Map<Topic, new () => RecordUpdate>();

/**
 * The update DTO of a topic, `<typeName>UpdateDto`, built once from its catalogue's `mutable` fields:
 * each optional, validated as the catalogue describes it, and documented for OpenAPI; any other body
 * field is refused by the whitelisting ValidationPipe.
 */
export function updateDtoOf(topic: Topic): new () => RecordUpdate {
  const existing = built.get(topic);
  if (existing) return existing;
  const name = `${catalogueOf(topic).typeName}UpdateDto`;
  const dto = { [name]: class {} }[name] as new () => RecordUpdate;
  built.set(topic, dto);
  for (const field of mutableFieldsOf(catalogueOf(topic))) {
    // No default to document: an update keeps what it leaves out.
    const { default: _none, ...property } = apiPropertyOf(field);
    // Decorators run bottom-up: constraints first, then @IsOptional and the OpenAPI property.
    const decorators = [ApiPropertyOptional(property), IsOptional(), ...constraintsOf(field)];
    for (const decorate of decorators.reverse()) decorate(dto.prototype, field.name);
  }
  return dto;
}

export const TransactionUpdateDto = updateDtoOf(TOPICS.transactions);
export const SocialPostUpdateDto = updateDtoOf(TOPICS.socialPosts);
export const NetworkLogUpdateDto = updateDtoOf(TOPICS.networkLogs);
