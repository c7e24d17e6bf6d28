'use strict';
const { workerData } = require('node:worker_threads');
if (workerData.modulePath.endsWith('.ts')) require('./typescript-runtime').register();
require(workerData.modulePath);
