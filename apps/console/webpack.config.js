// The web console: a browser bundle of src/main.tsx (React, compiled by tsc), served by the
// gateway at /console. Content-hashed file names, CSS in its own file (the gateway's CSP allows
// no inline styles or scripts), index.html generated with <base href="/console/">.
const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('path');

module.exports = {
  output: {
    path: join(__dirname, '../../dist/apps/console'),
    publicPath: '/console/',
    clean: true,
  },
  devtool: 'source-map',
  plugins: [
    new NxAppWebpackPlugin({
      target: 'web',
      compiler: 'tsc',
      main: './src/main.tsx',
      index: './src/index.html',
      baseHref: '/console/',
      tsConfig: './tsconfig.app.json',
      styles: ['./src/styles.css'],
      outputHashing: 'all',
      optimization: process.env.NODE_ENV === 'production',
      extractCss: true,
      sourceMap: true,
    }),
  ],
};
