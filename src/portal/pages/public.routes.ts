import { Router } from 'express';
import { html } from '../html';
import { PORTAL_CSS } from '../layout.view';
import { page } from '../portal-context';
import type { SessionService } from '../session.service';

/** Home, FAQs (the seed's updated answers), Contact Us, Terms and Conditions, and the style sheet. */
export function publicRoutes(sessions: SessionService): Router {
  const router = Router();
  router.get('/static/portal.css', (_req, res) => void res.type('css').setHeader('Cache-Control', 'public, max-age=3600').send(PORTAL_CSS));
  router.get('/', (req, res) => page(req, res, sessions, 'Welcome', html`
<p>See your smart meter's energy use: 15-minute intervals, daily meter reads and monthly usage, as charts and tables, and download them.</p>
<p><a href="/login">Log in</a> or <a href="/register">register</a> with your ESI ID and meter number (both are on your electric bill).</p>`));
  router.get('/faq', (req, res) => page(req, res, sessions, 'Frequently Asked Questions', html`
<h2>Which meters can I access?</h2>
<p>A Smart Meter must be installed at your premise, and the premise must be in an area open to competition. If you have several meters, only the Smart Meters' data is available; data from traditional meters is not. Many digital meters are not Smart Meters.</p>
<h2>Why can I not see all my meters?</h2>
<p>After a Smart Meter is installed, its data may take up to 60 days to appear. You need the ESI ID (on your bill) and the meter number (on the meter, and maybe on the bill) for each meter. Businesses may designate administrators.</p>
<h2>Which data can I see?</h2>
<p>15-minute intervals for up to 40 days at a time, daily meter reads for up to 1,200 days and monthly usage for up to 24 months, within the last 13 months (24 for monthly usage), from the start of your current electricity service at the premise when you registered the meter.</p>`));
  router.get('/contact', (req, res) => page(req, res, sessions, 'Contact Us', html`
<p>For questions about this portal, write to the platform's operator.</p>
<p>For any other questions regarding Smart Meters, please contact your Retail Electric Provider.</p>`));
  router.get('/terms', (req, res) => page(req, res, sessions, 'Terms and Conditions', html`
<p>You may register only meters at premises where you are the customer of record. Your data is shown to you, to your Retail Electric Provider for the days it serves you, to the utility of your area, and to the regulator. Every login and download is recorded.</p>`));
  return router;
}
