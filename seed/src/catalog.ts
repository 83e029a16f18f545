import type { CampaignCreateInput } from '../../backend/src/domain/campaign-rules';

/**
 * The demo network: who exists and what they run. Passwords are for local
 * demos only and are printed by the seed and listed in the README.
 */
export const DEMO_PASSWORD = 'demo-password-2026';

export interface DemoAdvertiser {
  key: string;
  email: string;
  name: string;
  company: string;
}

export interface DemoAffiliate {
  email: string;
  name: string;
  company: string;
  status: 'approved' | 'pending' | 'suspended';
  /** Traffic sources this affiliate tags in sub1. */
  sources: string[];
}

export interface DemoCampaign {
  advertiser: string;
  input: Omit<CampaignCreateInput, 'description'> & { description?: string };
  /** Conversion rate of valid clicks. */
  cr: number;
  /** Share of decided conversions the advertiser rejects. */
  rejectRate: number;
  /** Days before the window end the campaign was paused (none: still active). */
  pausedDaysAgo?: number;
}

export const ADVERTISERS: DemoAdvertiser[] = [
  { key: 'acme', email: 'advertiser@offerly.local', name: 'Ada Advertiser', company: 'Acme Corp' },
  { key: 'globex', email: 'globex@offerly.local', name: 'Gil Globex', company: 'Globex GmbH' },
];

export const AFFILIATES: DemoAffiliate[] = [
  { email: 'affiliate@offerly.local', name: 'Alex Affiliate', company: 'DealHunters Media', status: 'approved', sources: ['facebook', 'instagram', 'google'] },
  { email: 'coupons@offerly.local', name: 'Cora Coupon', company: 'CouponClub', status: 'approved', sources: ['coupon-site', 'email'] },
  { email: 'native@offerly.local', name: 'Nate Native', company: 'NativeReach', status: 'approved', sources: ['taboola', 'outbrain'] },
  { email: 'tiktok@offerly.local', name: 'Tia Tok', company: 'ShortForm Studio', status: 'approved', sources: ['tiktok', 'youtube-shorts'] },
  { email: 'email@offerly.local', name: 'Emil Mailer', company: 'InboxPros', status: 'approved', sources: ['newsletter', 'email'] },
  { email: 'search@offerly.local', name: 'Sergio Search', company: 'SEM Partners', status: 'approved', sources: ['google', 'bing'] },
  { email: 'blog@offerly.local', name: 'Bella Blogger', company: 'ReviewNest', status: 'approved', sources: ['blog', 'pinterest'] },
  { email: 'podcast@offerly.local', name: 'Paco Podcast', company: 'AudioAds', status: 'approved', sources: ['podcast'] },
  { email: 'social@offerly.local', name: 'Sonia Social', company: 'SocialBuzz', status: 'approved', sources: ['facebook', 'x'] },
  { email: 'cashback@offerly.local', name: 'Cash Back', company: 'RebateHub', status: 'approved', sources: ['cashback'] },
  { email: 'newbie@offerly.local', name: 'Nina Newbie', company: 'Fresh Traffic', status: 'pending', sources: [] },
  { email: 'applicant@offerly.local', name: 'Andy Applicant', company: 'Growth Ninjas', status: 'pending', sources: [] },
  { email: 'shady@offerly.local', name: 'Shay Shady', company: 'Incent Wall', status: 'suspended', sources: ['incent'] },
];

const acme = 'https://acme.example.com';
const globex = 'https://globex.example.eu';

export const CAMPAIGNS: DemoCampaign[] = [
  {
    advertiser: 'acme', cr: 0.025, rejectRate: 0.05,
    input: {
      name: 'Acme VPN — annual plan', destinationUrl: `${acme}/vpn?click={click_id}&aff={aff_id}&s1={sub1}`, fallbackUrl: `${acme}/`,
      allowDeepLink: true, currency: 'USD', payoutModel: 'CPA', revenueCents: 4000, payoutCents: 2800, revenueBps: null, payoutBps: null,
      caps: { dailyConversions: 400, totalConversions: null, dailyBudgetCents: null, totalBudgetCents: null },
      attributionWindowDays: 30, approvalMode: 'auto', autoApproveAfterDays: null, minClickToConversionSeconds: 10, oneConversionPerClick: true, trackSub1: true,
    },
  },
  {
    advertiser: 'acme', cr: 0.06, rejectRate: 0.12,
    input: {
      name: 'Acme Insurance — quote lead', destinationUrl: `${acme}/insurance/quote?ref={click_id}&src={sub1}`, fallbackUrl: `${acme}/insurance`,
      allowDeepLink: false, currency: 'USD', payoutModel: 'CPL', revenueCents: 1200, payoutCents: 800, revenueBps: null, payoutBps: null,
      caps: { dailyConversions: null, totalConversions: null, dailyBudgetCents: 150_000, totalBudgetCents: null },
      attributionWindowDays: 7, approvalMode: 'manual', autoApproveAfterDays: 14, minClickToConversionSeconds: 30, oneConversionPerClick: true, trackSub1: true,
    },
  },
  {
    advertiser: 'acme', cr: 0.03, rejectRate: 0.07,
    input: {
      name: 'Acme Store — revenue share', destinationUrl: `${acme}/store?utm_source=offerly&cid={click_id}`, fallbackUrl: `${acme}/store`,
      allowDeepLink: true, currency: 'USD', payoutModel: 'CPS', revenueCents: null, payoutCents: null, revenueBps: 1500, payoutBps: 1000,
      caps: { dailyConversions: null, totalConversions: null, dailyBudgetCents: null, totalBudgetCents: 50_000_000 },
      attributionWindowDays: 30, approvalMode: 'auto', autoApproveAfterDays: null, minClickToConversionSeconds: 0, oneConversionPerClick: false, trackSub1: false,
    },
  },
  {
    advertiser: 'acme', cr: 0.01, rejectRate: 0.02,
    input: {
      name: 'Acme Finance app — installs', destinationUrl: `${acme}/app?install_ref={click_id}`, fallbackUrl: null,
      allowDeepLink: false, currency: 'USD', payoutModel: 'CPC', revenueCents: 40, payoutCents: 25, revenueBps: null, payoutBps: null,
      caps: { dailyConversions: null, totalConversions: null, dailyBudgetCents: 400_000, totalBudgetCents: null },
      attributionWindowDays: 1, approvalMode: 'auto', autoApproveAfterDays: null, minClickToConversionSeconds: 0, oneConversionPerClick: true, trackSub1: false,
    },
  },
  {
    advertiser: 'acme', cr: 0.02, rejectRate: 0.05, pausedDaysAgo: 3,
    input: {
      name: 'Acme Summer promo', destinationUrl: `${acme}/summer?c={click_id}`, fallbackUrl: `${acme}/`,
      allowDeepLink: false, currency: 'USD', payoutModel: 'CPA', revenueCents: 2500, payoutCents: 1800, revenueBps: null, payoutBps: null,
      caps: { dailyConversions: null, totalConversions: 2000, dailyBudgetCents: null, totalBudgetCents: null },
      attributionWindowDays: 14, approvalMode: 'auto', autoApproveAfterDays: null, minClickToConversionSeconds: 0, oneConversionPerClick: true, trackSub1: false,
    },
  },
  {
    advertiser: 'globex', cr: 0.018, rejectRate: 0.1,
    input: {
      name: 'Globex Hotels — bookings', destinationUrl: `${globex}/hotels?clickid={click_id}&partner={aff_id}`, fallbackUrl: `${globex}/`,
      allowDeepLink: true, currency: 'EUR', payoutModel: 'CPS', revenueCents: null, payoutCents: null, revenueBps: 800, payoutBps: 500,
      caps: { dailyConversions: null, totalConversions: null, dailyBudgetCents: null, totalBudgetCents: null },
      attributionWindowDays: 30, approvalMode: 'manual', autoApproveAfterDays: 21, minClickToConversionSeconds: 0, oneConversionPerClick: false, trackSub1: true,
    },
  },
  {
    advertiser: 'globex', cr: 0.08, rejectRate: 0.04,
    input: {
      name: 'Globex Newsletter sign-up', destinationUrl: `${globex}/newsletter?c={click_id}`, fallbackUrl: `${globex}/`,
      allowDeepLink: false, currency: 'EUR', payoutModel: 'CPL', revenueCents: 250, payoutCents: 150, revenueBps: null, payoutBps: null,
      caps: { dailyConversions: 300, totalConversions: null, dailyBudgetCents: null, totalBudgetCents: null },
      attributionWindowDays: 3, approvalMode: 'auto', autoApproveAfterDays: null, minClickToConversionSeconds: 5, oneConversionPerClick: true, trackSub1: false,
    },
  },
  {
    advertiser: 'globex', cr: 0.012, rejectRate: 0.15,
    input: {
      name: 'Globex Energy — switch tariff', destinationUrl: `${globex}/energy?c={click_id}&s={sub1}`, fallbackUrl: `${globex}/energy`,
      allowDeepLink: false, currency: 'EUR', payoutModel: 'CPA', revenueCents: 5500, payoutCents: 4000, revenueBps: null, payoutBps: null,
      caps: { dailyConversions: 50, totalConversions: null, dailyBudgetCents: null, totalBudgetCents: null },
      attributionWindowDays: 30, approvalMode: 'manual', autoApproveAfterDays: 10, minClickToConversionSeconds: 30, oneConversionPerClick: true, trackSub1: false,
    },
  },
];

export const BROWSER_UAS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
];

export const BOT_UAS = [
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)',
  'python-requests/2.32.3',
  'curl/8.5.0',
];

export const COUNTRIES = ['US', 'US', 'US', 'GB', 'DE', 'FR', 'CA', 'AU', 'NL', 'ES', 'IT', 'BR', 'IN'];
