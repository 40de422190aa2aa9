module.exports = require('../../tools/webpack/nest-app.webpack')('api-gateway');
