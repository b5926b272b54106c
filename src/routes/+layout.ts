// Every page is static and prerendered.
export const prerender = true;
export const ssr = true;
