export { hashPassword, verifyPassword } from './password';
export {
	createSession,
	generateSessionToken,
	invalidateSession,
	sessionIdFromToken,
	validateSessionToken,
	SESSION_DEFAULTS,
	type Session,
	type SessionUser
} from './session';
export { LoginThrottle, THROTTLE_DEFAULTS } from './throttle';
export { KNOWN_DEVICE_DEFAULTS } from './known-device';
export { login, throttledMessage, type LoginResult } from './login';
