// Start GOV.UK Frontend's components. The module's hashed URL is on the script tag.
const script = document.querySelector('script[data-govuk-frontend]');
if (script) {
  import(script.dataset.govukFrontend).then(({ initAll }) => {
    initAll();
    document.body.dataset.govukFrontendInitialised = 'true';
  });
}
