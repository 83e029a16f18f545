import type { Connection } from 'mongoose';
import { campaignModel } from './campaign';
import { clickEarningModel } from './click-earning';
import { campaignCounterModel } from './campaign-counter';
import { conversionModel } from './conversion';
import { deliveryModel } from './delivery';
import { jobRunModel } from './job-run';
import { linkModel } from './link';
import { payoutLineModel, payoutModel } from './payout';
import { postbackModel } from './postback';
import { hourlyStatModel } from './stats';
import { userModel } from './user';

/** Models bound to one connection, so tests can run several isolated databases in one process. */
export function createModels(conn: Connection) {
  return {
    User: userModel(conn),
    Campaign: campaignModel(conn),
    Link: linkModel(conn),
    Conversion: conversionModel(conn),
    Postback: postbackModel(conn),
    CampaignCounter: campaignCounterModel(conn),
    Delivery: deliveryModel(conn),
    Payout: payoutModel(conn),
    PayoutLine: payoutLineModel(conn),
    ClickEarning: clickEarningModel(conn),
    JobRun: jobRunModel(conn),
    HourlyStat: hourlyStatModel(conn),
  };
}

export type Models = ReturnType<typeof createModels>;
