/**
 * The portal's password rules: 8 to 64 characters, at least one letter and one digit, and not the
 * user ID. Returns what is wrong, or null when the password is acceptable.
 */
export const PASSWORD_RULES_TEXT = 'Passwords are 8 to 64 characters long, contain at least one letter and one digit, and do not contain your user ID.';

export function passwordProblem(password: string, login: string): string | null {
  if (password.length < 8 || password.length > 64) return `The password must be 8 to 64 characters long (it is ${password.length}).`;
  if (!/[A-Za-z]/.test(password) || !/\d/.test(password)) return 'The password must contain at least one letter and one digit.';
  if (login.length > 0 && password.toLowerCase().includes(login.toLowerCase())) return 'The password must not contain your user ID.';
  return null;
}

/** User IDs: 6 to 40 letters, digits and . _ - @, compared without case. */
export function loginProblem(login: string): string | null {
  return /^[A-Za-z0-9._@-]{6,40}$/.test(login) ? null : 'The user ID must be 6 to 40 letters, digits or . _ - @ characters.';
}
