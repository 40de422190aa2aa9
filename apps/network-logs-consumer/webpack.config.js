module.exports = require('../../tools/webpack/nest-app.webpack')('network-logs-consumer');
