export { recordServiceGenerator } from './record-service/generator';
export { recordNames, type RecordNames } from './record-service/names';
