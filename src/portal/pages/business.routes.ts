import { Router, type Request } from 'express';
import type { FormProblems } from '../accounts.service';
import { BUSINESS_FORM_METERS, type BusinessService } from '../business.service';
import { html, type Html } from '../html';
import { csrfField, problemList, type PageContext } from '../layout.view';
import { page, pageContext } from '../portal-context';
import type { SessionService } from '../session.service';
import { cr001, formInput, personFields, type Form } from './account.routes';

/** Business customers register: the company, its administrator, and its meters; confirmed by email. */
export function businessRoutes(business: BusinessService, sessions: SessionService, address: (req: Request) => string): Router {
  const router = Router();
  const field = (b: Form, name: string) => String(b[name] ?? '').slice(0, 300);
  router.get('/register/business', (req, res) => page(req, res, sessions, 'Register a business customer', businessForm(pageContext(res, sessions), {}, null)));
  router.post('/register/business', async (req, res) => {
    const b = req.body as Form;
    const meters = Array.from({ length: BUSINESS_FORM_METERS }, (_, i) => ({ esiid: field(b, `esiid${i + 1}`), meterNumber: field(b, `meterNumber${i + 1}`) }));
    const problems = await business.register({
      companyName: field(b, 'companyName'), firstName: field(b, 'firstName'), middleInitial: field(b, 'middleInitial'), lastName: field(b, 'lastName'),
      suffix: field(b, 'suffix'), phone: field(b, 'phone'), email: field(b, 'email'), emailAgain: field(b, 'emailAgain'), language: field(b, 'language'),
      login: field(b, 'login'), password: field(b, 'password'), acceptedTerms: b.acceptedTerms === 'yes', meters,
    }, address(req));
    if (problems) return page(req, res.status(400), sessions, 'Register a business customer', businessForm(pageContext(res, sessions), b, problems));
    page(req, res, sessions, 'Check your email', html`<p class="notice" id="registered">We sent a message to ${field(b, 'email')}. Follow its link within 48 hours to complete the registration of ${field(b, 'companyName')}.</p>`);
  });
  return router;
}

function businessForm(ctx: PageContext, b: Form, problems: FormProblems | null): Html {
  const input = formInput(b);
  const rows = Array.from({ length: BUSINESS_FORM_METERS }, (_, i) => i + 1).map((n) => html`<div class="meter-row">
${input(`esiid${n}`, `ESI ID ${n}${n === 1 ? ' *' : ''}`, html`maxlength="64"${n === 1 ? html` required` : ''}`)}${input(`meterNumber${n}`, `Meter number ${n}${n === 1 ? ' *' : ''}`, html`maxlength="40"${n === 1 ? html` required` : ''}`)}</div>`);
  return html`${problems?.cr001 ? cr001() : ''}${problemList(problems?.fields ?? {})}
<p>The person registering becomes the company's portal administrator: she adds the company's users and chooses which meters each sees.</p>
<form method="post" action="/register/business" id="register-business">${csrfField(ctx)}
${input('companyName', 'Company name *', html`required maxlength="100"`)}
<fieldset><legend>The administrator</legend>${personFields(b)}</fieldset>
<fieldset><legend>The company's smart meters</legend>${rows}<p>If a meter number starts with a letter, enter the number without the letter. More meters can be added after registering.</p></fieldset>
<label><input type="checkbox" name="acceptedTerms" id="acceptedTerms" value="yes"> I accept the <a href="/terms">Terms and Conditions</a> *</label>
<button type="submit" id="register-submit">Register</button></form>`;
}
