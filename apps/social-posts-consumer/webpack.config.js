module.exports = require('../../tools/webpack/nest-app.webpack')('social-posts-consumer');
