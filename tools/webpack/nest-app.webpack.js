// The webpack build every Nest service shares: a Node bundle of main.ts with its libs inlined,
// decorator metadata kept (tsc), and a generated package.json of its production dependencies.
const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('path');

/** Paths are relative to the app folder, where Nx runs the build. */
module.exports = function nestAppWebpackConfig(appName) {
  return {
    output: {
      path: join(__dirname, '../../dist/apps', appName),
      clean: true,
      ...(process.env.NODE_ENV !== 'production' && { devtoolModuleFilenameTemplate: '[absolute-resource-path]' }),
    },
    plugins: [
      new NxAppWebpackPlugin({
        target: 'node',
        compiler: 'tsc',
        main: './src/main.ts',
        tsConfig: './tsconfig.app.json',
        assets: ['./src/assets'],
        optimization: false,
        outputHashing: 'none',
        generatePackageJson: true,
        sourceMap: true,
      }),
    ],
  };
};
