import type { ParamMatcher } from '@sveltejs/kit';

// Same shape as ids.ts's ID_PATTERN (kept literal here: params run in the browser too).
export const match: ParamMatcher = (param) => /^[a-z2-7]{16}$/.test(param);
