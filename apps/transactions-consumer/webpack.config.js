module.exports = require('../../tools/webpack/nest-app.webpack')('transactions-consumer');
