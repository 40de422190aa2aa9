module.exports = require('../../tools/webpack/nest-app.webpack')('ingest-producer-service');
