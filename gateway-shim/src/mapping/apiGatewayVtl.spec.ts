import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { escapeJavaScript, renderTemplate, urlEncode } from "./apiGatewayVtl.ts";

/** Java's semantics where velocityjs would use JavaScript's (expected values from commons-lang 2.6 and java.net.URLEncoder). */
describe("the local runtime of API Gateway's mapping templates", () => {
  it("escapes like commons-lang's escapeJavaScript, single quotes and slashes included", () => {
    assert.equal(escapeJavaScript(`it's "x" \\ </a>`), `it\\'s \\"x\\" \\\\ <\\/a>`);
    assert.equal(escapeJavaScript("é\u0001\n\t🏃"), "\\u00E9\\u0001\\n\\t\\uD83C\\uDFC3");
    assert.equal(escapeJavaScript("\u0100\u1000"), "\\u0100\\u1000");
  });

  it("url-encodes like URLEncoder: space is +, * . - _ stay, ~ does not", () => {
    assert.equal(urlEncode("a b*c.d-e_f~g/h:é"), "a+b*c.d-e_f%7Eg%2Fh%3A%C3%A9");
  });

  it("gives strings Java's methods: replace and replaceAll act on every occurrence, matches on the whole string", () => {
    assert.equal(
      renderTemplate("#set($s = $input.params('S'))$s.replace('a', 'b')", { params: { header: { s: "axay" } } }).output,
      "bxby",
      "header names match case-insensitively",
    );
    const set = renderTemplate(
      "#set($s = 'axay')$s.replace('a', 'b')|$s.replaceAll('a(.)', '$1\\$')|$s.matches('a.')|$s.matches('(a.)+')|$s.length()|$s.substring(2)",
      {},
    );
    assert.equal(set.output, "bxby|x$y$|false|true|4|ay");
  });

  it("reads the status and header overrides a response template sets", () => {
    const r = renderTemplate("#set($context.responseOverride.status = 404)#set($context.responseOverride.header.Retry-After = '1')x", {});
    assert.deepEqual(r, { output: "x", status: 404, headers: { "Retry-After": "1" } });
  });
});
