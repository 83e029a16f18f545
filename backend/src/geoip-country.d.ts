// The package ships no types; this is the one call the click path makes.
declare module 'geoip-country' {
  interface CountryLookup {
    country: string;
  }
  const geoip: { lookup(ip: string): CountryLookup | null };
  export default geoip;
}
