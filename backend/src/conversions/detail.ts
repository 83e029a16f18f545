import type { ConversionActor, ConversionClick, ConversionDetail, ConversionDetailChange } from '@offerly/contract';
import type { AppContext } from '../context';
import type { ConversionDoc } from '../db/models/conversion';
import type { PayoutDoc } from '../db/models/payout';
import type { PostbackDoc } from '../db/models/postback';
import { findClick, type ClickDoc } from '../db/raw-events';
import { notFound } from '../domain/errors';
import type { Principal, Role } from '../domain/permissions';
import { campaignNames } from './campaign-names';
import { conversionView, postbackView } from './views';

/** The detail shows the latest postbacks up to this many: a conversion a misbehaving advertiser re-posts forever stays one bounded page. */
export const DETAIL_POSTBACKS = 50;

const POSTBACK_NOTE = /^postback ([0-9a-f]{24})$/;

/** Admins see any conversion; advertisers their campaigns'; affiliates their own. Others' answer 404, like missing ones. */
function canSeeConversion(p: Principal, c: Pick<ConversionDoc, 'advertiserId' | 'affiliateId'>): boolean {
  if (p.role === 'admin') return true;
  return p.role === 'advertiser' ? c.advertiserId === p.id : c.affiliateId === p.id;
}

/**
 * Ids of the postbacks that touched the conversion, oldest first: its own id (the creating postback), those named
 * on write (`postbackIds`), and, for conversions stored before those were kept, the status updates their history
 * names in its notes (`postback <id>`). Complete when `postbackIds` holds its own id (kept since creation).
 */
export function postbackIdsOf(c: Pick<ConversionDoc, '_id' | 'postbackIds' | 'history'>): { ids: string[]; complete: boolean } {
  const fromNotes = c.history.flatMap((h) => POSTBACK_NOTE.exec(h.note)?.[1] ?? []);
  const ids = [...new Set([c._id, ...(c.postbackIds ?? []), ...fromNotes])];
  return { ids, complete: (c.postbackIds ?? []).includes(c._id) };
}

interface Person {
  role: Role;
  name: string;
  email: string;
}

const ROLE_LABEL: Record<Role, string> = { admin: 'Network', advertiser: 'Advertiser', affiliate: 'Affiliate' };

/** Who made a change: a person's name and email for admins; for others only the role (changes by nobody: a postback or a job). */
function actor(viewer: Principal, by: string | null, note: string, people: Map<string, Person>): ConversionActor {
  if (by === null) {
    return POSTBACK_NOTE.test(note) ? { kind: 'postback', label: 'Advertiser (postback)', userId: null, email: null } : { kind: 'system', label: 'Automatic', userId: null, email: null };
  }
  const person = people.get(by);
  const kind = person?.role ?? 'admin';
  if (viewer.role !== 'admin') return { kind, label: person ? ROLE_LABEL[person.role] : 'Unknown', userId: null, email: null };
  return { kind, label: person?.name ?? 'Deleted account', userId: by, email: person?.email ?? null };
}

/** The accounts named by the changes, each read by `_id` (bounded by the distinct reviewers, not by the users). */
async function peopleOf(ctx: AppContext, c: ConversionDoc): Promise<Map<string, Person>> {
  const ids = [...new Set([...c.history, ...(c.refusedChanges ?? [])].flatMap((h) => (h.by ? [h.by] : [])))];
  const rows = await Promise.all(ids.map((id) => ctx.models.User.findById(id, { role: 1, name: 1, email: 1 }).lean()));
  return new Map(rows.flatMap((u) => (u ? [[String(u._id), { role: u.role, name: u.name, email: u.email }] as [string, Person]] : [])));
}

function historyView(viewer: Principal, c: ConversionDoc, people: Map<string, Person>): ConversionDetailChange[] {
  const affiliate = viewer.role === 'affiliate';
  return c.history.map((h) => {
    const shared = h.noteShared === true;
    return { at: h.at.toISOString(), who: actor(viewer, h.by, h.note, people), from: h.from, to: h.to, reason: h.reason, note: affiliate && !shared ? '' : h.note, noteShared: shared };
  });
}

/** The click as the caller may see it: affiliates get the time, link and subs, not what identifies the visitor. */
function clickView(viewer: Principal, k: ClickDoc): ConversionClick {
  const full = viewer.role !== 'affiliate';
  return {
    id: k._id,
    at: k.ts.toISOString(),
    linkId: k.linkId,
    valid: k.valid === 1,
    invalidReason: k.reason,
    sub1: k.sub1,
    sub2: k.sub2,
    sub3: k.sub3,
    sub4: k.sub4,
    sub5: k.sub5,
    deepLink: k.deepLink,
    visitor: full ? k.visitor : null,
    userAgent: full ? k.ua : null,
    country: full ? k.country : null,
    device: full ? (k.device ?? null) : null,
    os: full ? (k.os ?? null) : null,
    browser: full ? (k.browser ?? null) : null,
    referer: full ? k.referer : null,
  };
}

/** The latest postbacks among `ids`, each read by `_id`, oldest first. */
async function postbacksOf(ctx: AppContext, ids: string[]) {
  const rows = await Promise.all(ids.slice(-DETAIL_POSTBACKS).map((id) => ctx.models.Postback.findById(id).lean() as Promise<PostbackDoc | null>));
  return rows
    .filter((pb): pb is PostbackDoc => pb !== null)
    .sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime())
    .map(postbackView);
}

async function payoutOf(ctx: AppContext, id: string | null): Promise<ConversionDetail['payout']> {
  if (!id) return null;
  const p = (await ctx.models.Payout.findById(id, { status: 1, periodEnd: 1 }).lean()) as Pick<PayoutDoc, '_id' | 'status' | 'periodEnd'> | null;
  return p ? { id: p._id, status: p.status, periodEnd: p.periodEnd ? p.periodEnd.toISOString() : null } : null;
}

/**
 * One conversion with its click, the postbacks that touched it, its status history (who, when, note) and its
 * payout, as the caller's role may see it. Every read is by `_id`: the conversion, the click (its partition is
 * named by the click id's time), each postback, each reviewer, the payout and the campaign.
 */
export async function readConversionDetail(ctx: AppContext, p: Principal, id: string): Promise<ConversionDetail> {
  const c = (await ctx.models.Conversion.findById(id).lean()) as ConversionDoc | null;
  if (!c || !canSeeConversion(p, c)) throw notFound('Conversion');
  const affiliate = p.role === 'affiliate';
  const { ids, complete } = postbackIdsOf(c);
  const [names, click, people, postbacks, payout] = await Promise.all([
    campaignNames(ctx, [c.campaignId]),
    findClick(ctx.db, c.clickId),
    peopleOf(ctx, c),
    affiliate ? null : postbacksOf(ctx, ids),
    payoutOf(ctx, c.payoutId),
  ]);
  const conversion = conversionView(c, p, names.get(c.campaignId) ?? null);
  const detail: ConversionDetail = {
    conversion,
    click: click ? clickView(p, click) : null,
    history: historyView(p, c, people),
    postbacksComplete: complete,
    payout,
  };
  if (affiliate) return detail;
  return {
    ...detail,
    refusedChanges: (c.refusedChanges ?? []).map((r) => ({ at: r.at.toISOString(), who: actor(p, r.by, r.note, people), to: r.to, reason: r.reason, note: r.note })),
    postbacks: postbacks ?? [],
  };
}
