import { z } from 'zod';
import { Instant, ObjectId, pagedOf, pageQuery, SortOrder } from './common';
import { CampaignStatus } from './campaigns';

export const LINK_SORT_FIELDS = ['createdAt'] as const;

export const LinkListQuery = z.strictObject({
  ...pageQuery,
  sort: z.enum(LINK_SORT_FIELDS).optional(),
  order: SortOrder.optional().meta({ description: 'Default: newest first; ascending when `sort` is named' }),
});
export type LinkListQuery = z.infer<typeof LinkListQuery>;

/** An affiliate's tracking link for one campaign: the same one every time it is asked for. */
export const TrackingLink = z
  .strictObject({
    id: z.string().meta({ description: 'The short public id of the link', example: 'Lk9sT2qXw1' }),
    campaignId: ObjectId,
    url: z.string().meta({ description: 'The short form to share', example: 'https://trk.example.com/c/Lk9sT2qXw1' }),
    clickUrl: z.string().meta({ description: 'The long form of the same link' }),
    subIds: z
      .strictObject({
        params: z.array(z.string()).meta({ description: 'Query parameters the link accepts as sub IDs', example: ['sub1', 'sub2', 'sub3', 'sub4', 'sub5'] }),
        maxLength: z.number().int().meta({ description: 'Longer values are cut to this length' }),
        example: z.string(),
      })
      .meta({ description: 'How to add the affiliate’s own sub IDs to the link' }),
    createdAt: Instant,
  })
  .meta({ id: 'TrackingLink' });
export type TrackingLink = z.infer<typeof TrackingLink>;

export const TrackingLinkEnvelope = z.strictObject({ link: TrackingLink }).meta({ id: 'TrackingLinkEnvelope' });
export type TrackingLinkEnvelope = z.infer<typeof TrackingLinkEnvelope>;

export const ListedTrackingLink = z
  .strictObject({
    ...TrackingLink.shape,
    campaignName: z.string().nullable().meta({ description: 'null when the campaign is no longer stored' }),
    campaignStatus: CampaignStatus.nullable(),
  })
  .meta({ id: 'ListedTrackingLink' });
export type ListedTrackingLink = z.infer<typeof ListedTrackingLink>;

export const TrackingLinkPage = pagedOf(ListedTrackingLink).meta({ id: 'TrackingLinkPage' });
export type TrackingLinkPage = z.infer<typeof TrackingLinkPage>;
