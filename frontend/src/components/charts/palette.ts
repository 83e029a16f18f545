export const COLORS = {
  clicks: '#4f46e5', // indigo-600
  unique: '#818cf8', // indigo-400
  conversions: '#059669', // emerald-600
  revenue: '#0284c7', // sky-600
  payout: '#d97706', // amber-600
  profit: '#7c3aed', // violet-600
  grid: '#e2e8f0', // slate-200
  axis: '#475569', // slate-600
};
