// stream-json publishes its streamers through package "exports", which the workspace's node10
// module resolution does not read; these aliases point the type checker at the same files.
declare module 'stream-json/streamers/stream-array.js' {
  import streamArray = require('stream-json/src/streamers/stream-array');
  export = streamArray;
}
declare module 'stream-json/streamers/stream-values.js' {
  import streamValues = require('stream-json/src/streamers/stream-values');
  export = streamValues;
}
