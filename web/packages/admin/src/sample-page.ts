/**
 * A built-in sample for the preview: the application form of the Harbour Insurance demo site
 * (deploy/local's demo-site/apply.html), without its scripts.
 */
export const SAMPLE_PAGE = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Apply for cover - Harbour Insurance</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; margin: 0; color: #0f172a; }
  .site-header { background: #0b3954; color: #fff; padding: 12px 24px; }
  .site-header a { color: #fff; margin-right: 16px; }
  main { padding: 16px 24px; max-width: 720px; }
  fieldset { margin: 0 0 16px; border: 1px solid #cbd5e1; border-radius: 8px; }
  label { display: block; margin: 8px 0; }
  input, select, textarea { display: block; width: 100%; padding: 6px; font: inherit; }
  label.inline input { display: inline; width: auto; }
  .hint { color: #475569; font-size: 13px; }
</style>
</head>
<body>
<header class="site-header">
  <a class="brand" href="index.html">Harbour <span>Insurance</span></a>
  <nav class="site-nav" aria-label="Main"><a href="index.html">Home</a> <a href="travel.html">Travel cover</a> <a href="apply.html" aria-current="page">Apply</a></nav>
</header>
<main>
  <h1>Apply for health cover</h1>
  <form class="application" id="application" action="#" method="post" novalidate>
    <fieldset>
      <legend>About you</legend>
      <label>Full name <input id="full-name" name="fullName" autocomplete="name" required></label>
      <label>Email <input id="email" name="email" type="email" autocomplete="email" required></label>
      <label>Date of birth <input id="birth-date" name="birthDate" type="date"></label>
    </fieldset>
    <fieldset>
      <legend>Your plan</legend>
      <label>Plan <select id="plan" name="plan"><option value="basic">Basic</option><option value="plus" selected>Plus</option><option value="premium">Premium</option></select></label>
      <label>Medical history <textarea id="medical" name="medical" rows="4"></textarea></label>
      <span class="hint">For example: asthma, diabetes, a recent operation.</span>
    </fieldset>
    <fieldset>
      <legend>Payment and account</legend>
      <label>Card number <input id="card-number" name="cardNumber" autocomplete="cc-number" inputmode="numeric"></label>
      <label>Security code <input id="card-csc" name="cardCsc" autocomplete="cc-csc" inputmode="numeric"></label>
      <label>IBAN <input id="iban" name="iban"></label>
      <label>Choose a password <input id="password" name="password" type="password" autocomplete="new-password"></label>
      <label>Security answer: your first pet&rsquo;s name <input id="security-answer" name="securityAnswer" class="secret" autocomplete="off"></label>
    </fieldset>
    <label class="inline"><input type="checkbox" id="terms" name="terms"> I have read the policy wording and agree to the terms.</label>
    <p class="secret">Reference HB-2231-0047</p>
    <p><button class="button" type="submit">Submit application</button> <button class="button secondary">Save for later</button> <input type="image" alt="Pay" src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></p>
    <p id="application-result" role="status"></p>
  </form>
  <section id="chat-history" data-tandem-block><h2>Earlier chats</h2><p>Nothing yet.</p></section>
  <p data-tandem-mask>Policy number HB-77-1234</p>
</main>
<footer class="site-footer"><p>&copy; Harbour Insurance (a made-up demo)</p></footer>
</body>
</html>
`;
