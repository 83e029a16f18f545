import { Schema, type Connection } from 'mongoose';
import { ROLES, type Role, type UserStatus } from '../../domain/permissions';
import { newId } from '../ids';

export const USER_STATUSES = ['pending', 'approved', 'rejected', 'suspended'] as const satisfies readonly UserStatus[];

export interface StatusChange {
  at: Date;
  by: string | null;
  from: string | null;
  to: string;
  note: string;
}

export interface UserDoc {
  _id: string;
  email: string;
  passwordHash: string;
  role: Role;
  status: UserStatus;
  name: string;
  company: string;
  statusHistory: StatusChange[];
  /** Affiliate's outbound postback (Offerly → affiliate). */
  postbackUrl: string | null;
  postbackSecret: string | null;
  postbackEnabled: boolean;
  /** Sessions carry the generation they were signed in under; bumping it ends every older one (see auth/tokens). */
  sessionGeneration?: number;
  createdAt: Date;
  updatedAt: Date;
}

export const statusChangeSchema = new Schema<StatusChange>(
  { at: { type: Date, required: true }, by: { type: String, default: null }, from: { type: String, default: null }, to: { type: String, required: true }, note: { type: String, default: '' } },
  { _id: false },
);

const userSchema = new Schema<UserDoc>(
  {
    _id: { type: String, default: newId },
    email: { type: String, required: true, lowercase: true, trim: true },
    passwordHash: { type: String, required: true },
    role: { type: String, enum: ROLES, required: true },
    status: { type: String, enum: USER_STATUSES, required: true },
    name: { type: String, required: true },
    company: { type: String, default: '' },
    statusHistory: { type: [statusChangeSchema], default: [] },
    postbackUrl: { type: String, default: null },
    postbackSecret: { type: String, default: null },
    postbackEnabled: { type: Boolean, default: false },
    sessionGeneration: { type: Number, default: 0 },
  },
  { timestamps: true, versionKey: false, collection: 'users' },
);
userSchema.index({ email: 1 }, { unique: true });
userSchema.index({ role: 1, status: 1 });

export const userModel = (conn: Connection) => conn.model<UserDoc>('User', userSchema);
export type UserModel = ReturnType<typeof userModel>;
