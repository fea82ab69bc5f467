import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { registerAuditDelivery } from './audit-delivery.js';
import { registerConfig } from './config.js';
import { registerDemo } from './demo.js';
import { registerDrift } from './drift.js';
import { registerEvaluate } from './evaluate.js';
import { registerKeys } from './keys.js';
import { registerMaintenance } from './maintenance.js';
import { registerMigrate } from './migrate.js';
import { registerModels } from './models.js';
import { registerMonitor } from './monitor.js';
import { registerProcess } from './process.js';
import { registerProduce } from './produce.js';
import { registerReplay } from './replay.js';
import { registerServe } from './serve.js';
import { registerStack } from './stack.js';
import { registerThresholds } from './thresholds.js';
import { registerTrain } from './train.js';

export function registerCommands(program: Command, ctx: CliContext): void {
  registerConfig(program, ctx);
  registerMigrate(program, ctx);
  registerStack(program, ctx);
  registerProduce(program, ctx);
  registerProcess(program, ctx);
  registerDemo(program, ctx);
  registerMonitor(program, ctx);
  registerDrift(program, ctx);
  registerServe(program, ctx);
  registerKeys(program, ctx);
  registerTrain(program, ctx);
  registerModels(program, ctx);
  registerReplay(program, ctx);
  registerEvaluate(program, ctx);
  registerAuditDelivery(program, ctx);
  registerThresholds(program, ctx);
  registerMaintenance(program, ctx);
}
