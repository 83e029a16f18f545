import type { ReviewAction } from '@offerly/contract';
import type { UserStatus } from './permissions';

/**
 * Account review (affiliates and advertisers alike): pending → approved | rejected;
 * approved ⇄ suspended; rejected can be reconsidered. `reinstate` is only the way
 * back from a suspension, so a click on a stale button cannot approve an applicant.
 */
export function reviewTransition(from: UserStatus, action: ReviewAction): UserStatus | null {
  switch (action) {
    case 'approve':
      return from === 'approved' ? null : 'approved';
    case 'reject':
      return from === 'pending' ? 'rejected' : null;
    case 'suspend':
      return from === 'approved' ? 'suspended' : null;
    case 'reinstate':
      return from === 'suspended' ? 'approved' : null;
  }
}

/**
 * Affiliates always wait for an admin. Advertisers do too unless the platform
 * turns that off (the `advertiserApproval` platform setting, first ADVERTISER_APPROVAL): an unreviewed advertiser could
 * otherwise buy traffic with terms nobody checked.
 */
export const initialStatus = (role: 'affiliate' | 'advertiser', advertiserApproval: 'required' | 'auto' = 'required'): UserStatus =>
  role === 'advertiser' && advertiserApproval === 'auto' ? 'approved' : 'pending';
