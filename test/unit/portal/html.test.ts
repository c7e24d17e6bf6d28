import { expect } from 'chai';
import { html, trusted } from '../../../src/portal/html';

describe('portal html templates', () => {
  it('escapes every interpolated string, in text and in attributes', () => {
    const name = `<script>alert("x")</script>' onmouseover='x`;
    expect(html`<p title="${name}">${name}</p>`.text).to.equal(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;x">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;x</p>');
  });

  it('keeps nested templates and trusted text as they are, and drops null, undefined and false', () => {
    const items = ['a&b', 'c'];
    expect(html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>${null}${undefined}${false}${trusted('<svg/>')}`.text).to.equal('<ul><li>a&amp;b</li><li>c</li></ul><svg/>');
  });
});
