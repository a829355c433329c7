// JUnit XML parsed back with libxml2: well-formed (no recovery), valid against the structure CI
// servers read (check_junit.xsd), counts that agree with the elements, escaping that survives
// hostile ids, and failure messages that list expectations and regressions.
#include <gtest/gtest.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>

#include <memory>
#include <string>

#include "check_test_util.h"
#include "harness/check/junit.h"
#include "results/metric_table.h"

namespace callsim::harness {
namespace {

using checkutil::good_metrics;
using checkutil::make_call;

// RAII owners of the libxml2 objects used here.
struct DocFree {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
struct XPathContextFree {
  void operator()(xmlXPathContext* c) const { xmlXPathFreeContext(c); }
};
struct XPathObjectFree {
  void operator()(xmlXPathObject* o) const { xmlXPathFreeObject(o); }
};
struct SchemaParserFree {
  void operator()(xmlSchemaParserCtxt* p) const { xmlSchemaFreeParserCtxt(p); }
};
struct SchemaFree {
  void operator()(xmlSchema* s) const { xmlSchemaFree(s); }
};
struct ValidFree {
  void operator()(xmlSchemaValidCtxt* v) const { xmlSchemaFreeValidCtxt(v); }
};
using Doc = std::unique_ptr<xmlDoc, DocFree>;

std::string g_errors;  // libxml2 diagnostics of the current parse/validation
void collect(void*, xmlError* e) { g_errors += e && e->message ? e->message : "?"; }

Doc parse(const std::string& xml) {
  g_errors.clear();
  xmlSetStructuredErrorFunc(nullptr, collect);
  return Doc(xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "junit.xml", "UTF-8", XML_PARSE_NONET));
}

std::string validate(xmlDoc* doc) {
  const std::string xsd = std::string(CALLSIM_SOURCE_DIR) + "/tests/harness/check_junit.xsd";
  std::unique_ptr<xmlSchemaParserCtxt, SchemaParserFree> parser(xmlSchemaNewParserCtxt(xsd.c_str()));
  std::unique_ptr<xmlSchema, SchemaFree> schema(xmlSchemaParse(parser.get()));
  if (!schema) return "cannot load " + xsd;
  std::unique_ptr<xmlSchemaValidCtxt, ValidFree> valid(xmlSchemaNewValidCtxt(schema.get()));
  g_errors.clear();
  xmlSchemaSetValidStructuredErrors(valid.get(), collect, nullptr);
  return xmlSchemaValidateDoc(valid.get(), doc) == 0 ? "" : "invalid: " + g_errors;
}

// The string value of an XPath expression ("count(//testcase)", "string(//x/@name)").
std::string xpath(xmlDoc* doc, const std::string& expr) {
  std::unique_ptr<xmlXPathContext, XPathContextFree> ctx(xmlXPathNewContext(doc));
  std::unique_ptr<xmlXPathObject, XPathObjectFree> obj(
      xmlXPathEvalExpression(reinterpret_cast<const xmlChar*>(expr.c_str()), ctx.get()));
  if (!obj) return "<bad xpath>";
  xmlChar* s = xmlXPathCastToString(obj.get());
  std::string out(reinterpret_cast<const char*>(s));
  xmlFree(s);
  return out;
}

// Two sweep suites and a single-scenario suite: pass, failed expectation, regression, new,
// did not run, missing.
CheckReport sample_report(std::vector<CallRecord>* storage) {
  auto regressed = good_metrics();
  regressed["mos_lqo_wb"] = 3.9;
  storage->push_back(make_call("smoke/3g/nb12"));
  storage->push_back(make_call("smoke/3g/wb24", good_metrics(), false));
  storage->push_back(make_call("smoke/wifi/wb24", regressed));
  storage->push_back(make_call("nightly/lte/new"));
  storage->push_back(make_call("single_call"));
  storage->back().scenario = "single_call";
  storage->back().error = "talker file missing";
  storage->back().metrics.clear();
  const std::vector<CallRecord> base_calls = {make_call("smoke/3g/nb12"), make_call("smoke/3g/wb24"),
                                              make_call("smoke/wifi/wb24"), make_call("single_call"),
                                              make_call("nightly/lte/gone")};
  static Baseline baseline;
  baseline = update_baseline(nullptr, base_calls, false, nullptr);
  return run_check(*storage, &baseline, {});
}

// The metrics JUnit writes as properties by default are names of the one metric table (a renamed
// metric would otherwise silently vanish from every CI server's property list).
TEST(JunitXml, DefaultPropertyMetricsAreInTheMetricTable) {
  const JunitOptions defaults;
  ASSERT_FALSE(defaults.property_metrics.empty());
  for (const auto& name : defaults.property_metrics) EXPECT_NE(results::find_metric(name), nullptr) << name;
}

TEST(JunitXml, WellFormedValidAndCountsAgree) {
  std::vector<CallRecord> calls;
  const CheckReport report = sample_report(&calls);
  const std::string xml = junit_xml(report);
  Doc doc = parse(xml);
  ASSERT_TRUE(doc) << g_errors << "\n" << xml;
  EXPECT_EQ(g_errors, "");
  EXPECT_EQ(validate(doc.get()), "") << xml;
  EXPECT_EQ(xpath(doc.get(), "count(/testsuites/testsuite)"), "3");
  EXPECT_EQ(xpath(doc.get(), "string(/testsuites/testsuite[1]/@name)"), "smoke");
  EXPECT_EQ(xpath(doc.get(), "string(/testsuites/testsuite[2]/@name)"), "nightly");
  EXPECT_EQ(xpath(doc.get(), "string(/testsuites/testsuite[3]/@name)"), "single_call");
  EXPECT_EQ(xpath(doc.get(), "count(//testcase)"), "6");
  EXPECT_EQ(xpath(doc.get(), "string(/testsuites/@tests)"), "6");
  // Failures: failed expectation, regression, missing; the job that did not run is an error.
  EXPECT_EQ(xpath(doc.get(), "count(//failure)"), "3");
  EXPECT_EQ(xpath(doc.get(), "string(/testsuites/@failures)"), "3");
  EXPECT_EQ(xpath(doc.get(), "count(//error)"), "1");
  EXPECT_EQ(xpath(doc.get(), "string(/testsuites/@errors)"), "1");
  for (int s = 1; s <= 3; ++s) {
    const std::string suite = "/testsuites/testsuite[" + std::to_string(s) + "]";
    EXPECT_EQ(xpath(doc.get(), "string(" + suite + "/@tests)"),
              xpath(doc.get(), "count(" + suite + "/testcase)"));
    EXPECT_EQ(xpath(doc.get(), "string(" + suite + "/@failures)"),
              xpath(doc.get(), "count(" + suite + "/testcase/failure)"));
  }
}

// What `check --junit` writes when it reaches no verdict (unreadable results, a bug): one error.
TEST(JunitXml, ACheckWithoutAVerdictIsOneValidError) {
  const std::string xml = junit_error_xml("out/results.jsonl: no such file <&>");
  Doc doc = parse(xml);
  ASSERT_TRUE(doc) << g_errors << "\n" << xml;
  EXPECT_EQ(validate(doc.get()), "") << xml;
  EXPECT_EQ(xpath(doc.get(), "string(/testsuites/@tests)"), "1");
  EXPECT_EQ(xpath(doc.get(), "string(/testsuites/@errors)"), "1");
  EXPECT_EQ(xpath(doc.get(), "count(//error)"), "1");
  EXPECT_EQ(xpath(doc.get(), "count(//failure)"), "0");
  EXPECT_EQ(xpath(doc.get(), "string(//error/@message)"), "no verdict: out/results.jsonl: no such file <&>");
}

TEST(JunitXml, FailureMessagesListExpectationsAndRegressions) {
  std::vector<CallRecord> calls;
  Doc doc = parse(junit_xml(sample_report(&calls)));
  ASSERT_TRUE(doc);
  EXPECT_EQ(xpath(doc.get(), "string(//testcase[@name='smoke/3g/wb24']/failure/@message)"),
            "expectation failed: alice->bob: mos_lqo_nb >= 4.5 (measured 4.000)");
  EXPECT_EQ(xpath(doc.get(), "string(//testcase[@name='smoke/wifi/wb24']/failure/@message)"),
            "regression: alice->bob mos_lqo_wb 4.200 -> 3.900 (-0.300, allowed 0.1 abs, lower is worse); "
            "regression: bob->alice mos_lqo_wb 4.200 -> 3.900 (-0.300, allowed 0.1 abs, lower is worse)");
  EXPECT_EQ(xpath(doc.get(), "string(//testcase[@name='smoke/wifi/wb24']/failure)"),
            "regression: alice->bob mos_lqo_wb 4.200 -> 3.900 (-0.300, allowed 0.1 abs, lower is worse)\n"
            "regression: bob->alice mos_lqo_wb 4.200 -> 3.900 (-0.300, allowed 0.1 abs, lower is worse)\n");
  EXPECT_EQ(xpath(doc.get(), "string(//testcase[@name='nightly/lte/gone']/failure/@type)"), "callsim.check");
  EXPECT_EQ(xpath(doc.get(), "string(//testcase[@name='single_call']/error/@message)"),
            "did not run: talker file missing");
  EXPECT_EQ(xpath(doc.get(), "count(//testcase[@name='nightly/lte/new']/*[self::failure or self::error])"),
            "0");
  EXPECT_NE(xpath(doc.get(), "string(//testcase[@name='nightly/lte/new']/system-out)")
                .find("new: not in the baseline"),
            std::string::npos);
  EXPECT_EQ(xpath(doc.get(), "string(//property[@name='smoke/3g/nb12 bob->alice mos_lqo_wb']/@value)"),
            "4.2");
  // R carries its scale: in the property name, and in the readable block.
  EXPECT_EQ(xpath(doc.get(), "string(//property[@name='smoke/3g/nb12 bob->alice emodel_r_wb [R/129]']/@value)"),
            "85.0");
  EXPECT_NE(xpath(doc.get(), "string(//testcase[@name='smoke/3g/nb12']/system-out)").find("emodel_r_wb=85.00 (R/129)"),
            std::string::npos);
}

// A property holds the value as results.jsonl does (a dashboard plotting it plots what was
// measured, not the console's rounding: "4.214" for 4.2137 before), counts as integers; an R in a
// failure text carries its scale, as in the property's name (it read "emodel_r_wb 85.00 -> 80.50").
TEST(JunitXml, PropertiesHoldTheStoredValueAndAnRegressedRCarriesItsScale) {
  auto now = good_metrics();
  now["mos_lqo_wb"] = 4.2137;
  now["emodel_r_wb"] = 80.5;
  std::vector<CallRecord> calls = {make_call("smoke/3g/nb12", now)};
  const Baseline baseline = update_baseline(nullptr, {make_call("smoke/3g/nb12")}, false, nullptr);
  JunitOptions options;
  options.property_metrics.push_back("packets_lost");
  calls[0].metrics["alice->bob"]["packets_lost"] = 29;
  Doc doc = parse(junit_xml(run_check(calls, &baseline, {}), options));
  ASSERT_TRUE(doc);
  EXPECT_EQ(validate(doc.get()), "");
  EXPECT_EQ(xpath(doc.get(), "string(//property[@name='smoke/3g/nb12 alice->bob mos_lqo_wb']/@value)"), "4.2137");
  EXPECT_EQ(xpath(doc.get(), "string(//property[@name='smoke/3g/nb12 alice->bob emodel_r_wb [R/129]']/@value)"), "80.5");
  EXPECT_EQ(xpath(doc.get(), "string(//property[@name='smoke/3g/nb12 alice->bob packets_lost']/@value)"), "29");
  EXPECT_EQ(xpath(doc.get(), "string(//testcase[@name='smoke/3g/nb12']/failure/@message)"),
            "regression: alice->bob emodel_r_wb [R/129] 85.00 -> 80.50 (-4.50, allowed 2 abs, lower is worse); "
            "regression: bob->alice emodel_r_wb [R/129] 85.00 -> 80.50 (-4.50, allowed 2 abs, lower is worse)");
}

TEST(JunitXml, AllowedMissingCallsAreSkippedNotFailed) {
  std::vector<CallRecord> calls = {make_call("smoke/3g/nb12")};
  const Baseline baseline = update_baseline(nullptr, {make_call("smoke/3g/nb12"), make_call("smoke/3g/gone")}, false, nullptr);
  const CheckReport report = run_check(calls, &baseline, CheckOptions{1.0, true});
  Doc doc = parse(junit_xml(report));
  ASSERT_TRUE(doc);
  EXPECT_EQ(validate(doc.get()), "");
  EXPECT_EQ(xpath(doc.get(), "string(/testsuites/@skipped)"), "1");
  EXPECT_EQ(xpath(doc.get(), "string(/testsuites/@failures)"), "0");
  EXPECT_EQ(xpath(doc.get(), "string(//testcase[@name='smoke/3g/gone']/skipped/@message)"),
            "not in this run (--allow-missing)");
}

TEST(JunitXml, HostileTextIsEscapedAndMadeValid) {
  // Markup characters, quotes, a control character, a lone continuation byte and a truncated
  // 3-byte sequence, U+FFFF (UTF-8 but not an XML Char); valid multi-byte UTF-8 (é, €) passes through.
  const std::string id = std::string("a<b>&\"c'd\x01 e\x80 f\xE2\x82 \xC3\xA9\xE2\x82\xAC g\xEF\xBF\xBF");
  std::vector<CallRecord> calls = {make_call(id, good_metrics(), false)};
  calls[0].scenario = "sc]]>\n<x>";
  const std::string xml = junit_xml(run_check(calls, nullptr, {}));
  Doc doc = parse(xml);
  ASSERT_TRUE(doc) << g_errors << "\n" << xml;
  EXPECT_EQ(validate(doc.get()), "");
  EXPECT_EQ(xpath(doc.get(), "string(//testcase/@name)"),
            "a<b>&\"c'd\xEF\xBF\xBD e\xEF\xBF\xBD f\xEF\xBF\xBD\xEF\xBF\xBD \xC3\xA9\xE2\x82\xAC "
            "g\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  // Attribute newlines are encoded, so they survive attribute-value normalization.
  EXPECT_EQ(xpath(doc.get(), "string(//testsuite/@name)"), "sc]]>\n<x>");
  EXPECT_EQ(xml_text("x]]>y"), "x]]&gt;y");
}

TEST(JunitXml, SameCheckGivesTheSameBytes) {
  std::vector<CallRecord> a, b;
  EXPECT_EQ(junit_xml(sample_report(&a)), junit_xml(sample_report(&b)));
}

}  // namespace
}  // namespace callsim::harness
