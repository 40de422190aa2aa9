module.exports = require('../../tools/webpack/nest-app.webpack')('auth-service');
