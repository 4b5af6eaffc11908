// Renders API Gateway mapping templates with Apache Velocity 1.7, the engine API Gateway runs, with
// $input, $util, $context and $stageVariables shaped as API Gateway documents them (the subset the
// templates use: see docs/mapping-templates.md). Reads a JSON array of cases on stdin and writes a
// JSON array of {"output","status","headers"} (or {"error"}) on stdout. Started by mapping.crossEngine.spec.ts as
// `java -cp <velocity jars> Harness.java` (single-file source launch, no build step).
import java.io.*;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.*;
import org.apache.commons.lang.StringEscapeUtils;
import org.apache.velocity.VelocityContext;
import org.apache.velocity.app.VelocityEngine;

public class Harness {
  // ── a minimal JSON reader/writer (Java 17 has none built in) ──────────────────────────────
  static final class Json {
    private final String s;
    private int i;
    Json(String s) { this.s = s; }
    static Object parse(String text) {
      Json p = new Json(text);
      p.ws();
      Object v = p.value();
      p.ws();
      if (p.i != p.s.length()) throw new IllegalArgumentException("trailing characters at " + p.i);
      return v;
    }
    void ws() { while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++; }
    Object value() {
      char c = s.charAt(i);
      if (c == '{') {
        Map<String, Object> m = new LinkedHashMap<>();
        i++; ws();
        if (s.charAt(i) == '}') { i++; return m; }
        for (;;) {
          ws(); String k = str(); ws(); expect(':'); ws();
          m.put(k, value()); ws();
          if (s.charAt(i) == ',') { i++; continue; }
          expect('}'); return m;
        }
      }
      if (c == '[') {
        List<Object> l = new ArrayList<>();
        i++; ws();
        if (s.charAt(i) == ']') { i++; return l; }
        for (;;) {
          ws(); l.add(value()); ws();
          if (s.charAt(i) == ',') { i++; continue; }
          expect(']'); return l;
        }
      }
      if (c == '"') return str();
      if (s.startsWith("true", i)) { i += 4; return Boolean.TRUE; }
      if (s.startsWith("false", i)) { i += 5; return Boolean.FALSE; }
      if (s.startsWith("null", i)) { i += 4; return null; }
      int start = i;
      while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
      String n = s.substring(start, i);
      if (n.isEmpty()) throw new IllegalArgumentException("unexpected '" + c + "' at " + start);
      if (n.contains(".") || n.contains("e") || n.contains("E")) return Double.valueOf(n);
      long l = Long.parseLong(n);
      return (l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) ? (Object) Integer.valueOf((int) l) : (Object) Long.valueOf(l);
    }
    void expect(char c) {
      if (s.charAt(i) != c) throw new IllegalArgumentException("expected '" + c + "' at " + i);
      i++;
    }
    String str() {
      expect('"');
      StringBuilder b = new StringBuilder();
      for (;;) {
        char c = s.charAt(i++);
        if (c == '"') return b.toString();
        if (c != '\\') { b.append(c); continue; }
        char e = s.charAt(i++);
        switch (e) {
          case 'n': b.append('\n'); break;
          case 't': b.append('\t'); break;
          case 'r': b.append('\r'); break;
          case 'b': b.append('\b'); break;
          case 'f': b.append('\f'); break;
          case 'u': b.append((char) Integer.parseInt(s.substring(i, i + 4), 16)); i += 4; break;
          default: b.append(e);
        }
      }
    }
    static String write(Object v) {
      if (v == null) return "null";
      if (v instanceof String) return quote((String) v);
      if (v instanceof Number || v instanceof Boolean) return v.toString();
      if (v instanceof Map) {
        StringJoiner j = new StringJoiner(",", "{", "}");
        for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) j.add(quote(String.valueOf(e.getKey())) + ":" + write(e.getValue()));
        return j.toString();
      }
      if (v instanceof List) {
        StringJoiner j = new StringJoiner(",", "[", "]");
        for (Object o : (List<?>) v) j.add(write(o));
        return j.toString();
      }
      return quote(v.toString());
    }
    static String quote(String s) {
      StringBuilder b = new StringBuilder("\"");
      for (char c : s.toCharArray()) {
        if (c == '"' || c == '\\') b.append('\\').append(c);
        else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
        else b.append(c);
      }
      return b.append('"').toString();
    }
  }

  // ── $util ──────────────────────────────────────────────────────────────────────────────────
  public static final class Util {
    public String escapeJavaScript(String s) { return StringEscapeUtils.escapeJavaScript(s); }
    public String urlEncode(String s) throws UnsupportedEncodingException { return URLEncoder.encode(s, "UTF-8"); }
    public String urlDecode(String s) throws UnsupportedEncodingException { return java.net.URLDecoder.decode(s, "UTF-8"); }
    public String base64Encode(String s) { return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)); }
    public String base64Decode(String s) { return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8); }
    public Object parseJson(String s) { return Json.parse(s); }
  }

  // ── $input ─────────────────────────────────────────────────────────────────────────────────
  public static final class Input {
    private final String body;
    private final Map<String, String> path, query, header;
    Input(String body, Map<String, String> path, Map<String, String> query, Map<String, String> header) {
      this.body = body == null ? "" : body; this.path = path; this.query = query; this.header = header;
    }
    public String getBody() { return body; }
    /**
     * Path, then query string, then header; "" when absent. Header names match case-sensitively
     * here, the stricter of the two readings of API Gateway's documentation, so a template that
     * works here works either way (the local runtime matches them case-insensitively).
     */
    public String params(String name) {
      if (path.containsKey(name)) return path.get(name);
      if (query.containsKey(name)) return query.get(name);
      return header.getOrDefault(name, "");
    }
    public Map<String, Map<String, String>> params() {
      Map<String, Map<String, String>> all = new LinkedHashMap<>();
      all.put("path", path); all.put("querystring", query); all.put("header", header);
      return all;
    }
    /** JSONPath subset: `$` and `$.a.b`. */
    public Object path(String jsonPath) {
      Object v = body == null || body.isBlank() ? new LinkedHashMap<>() : Json.parse(body);
      if (!jsonPath.equals("$")) {
        for (String part : jsonPath.substring(2).split("\\.")) v = v instanceof Map ? ((Map<?, ?>) v).get(part) : null;
      }
      return v;
    }
    public String json(String jsonPath) { return Json.write(path(jsonPath)); }
  }

  @SuppressWarnings("unchecked")
  static Map<String, String> strings(Object o) {
    Map<String, String> out = new LinkedHashMap<>();
    if (o instanceof Map) for (Map.Entry<String, Object> e : ((Map<String, Object>) o).entrySet()) out.put(e.getKey(), String.valueOf(e.getValue()));
    return out;
  }

  @SuppressWarnings("unchecked")
  public static void main(String[] args) throws Exception {
    String stdin = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
    VelocityEngine engine = new VelocityEngine();
    engine.setProperty("runtime.log.logsystem.class", "org.apache.velocity.runtime.log.NullLogChute");
    engine.init();
    List<Object> results = new ArrayList<>();
    for (Object c : (List<Object>) Json.parse(stdin)) {
      Map<String, Object> cs = (Map<String, Object>) c;
      Map<String, Object> params = (Map<String, Object>) cs.getOrDefault("params", new LinkedHashMap<>());
      Map<String, Object> context = (Map<String, Object>) cs.getOrDefault("context", new LinkedHashMap<>());
      Map<String, Object> override = new LinkedHashMap<>();
      override.put("header", new LinkedHashMap<String, Object>());
      context.put("responseOverride", override);
      VelocityContext vc = new VelocityContext();
      vc.put("input", new Input((String) cs.get("body"), strings(params.get("path")), strings(params.get("querystring")), strings(params.get("header"))));
      vc.put("util", new Util());
      vc.put("context", context);
      vc.put("stageVariables", cs.getOrDefault("stageVariables", new LinkedHashMap<>()));
      StringWriter out = new StringWriter();
      Map<String, Object> result = new LinkedHashMap<>();
      try {
        engine.evaluate(vc, out, "template", (String) cs.get("template"));
        result.put("output", out.toString());
        Object status = override.get("status");
        result.put("status", status == null ? null : Integer.valueOf(status.toString()));
        result.put("headers", override.get("header"));
      } catch (Exception e) {
        result.put("error", e.toString());
      }
      results.add(result);
    }
    System.out.print(Json.write(results));
  }
}
