// RenderSvg (report.h): a hand-written SVG of small multiples, one panel per
// query kind, p50 latency (log) against graph nodes (log).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "bench/runner/measure.h"
#include "bench/runner/report.h"

namespace lineagedb::bench {
namespace {

constexpr int kPanelW = 460, kPanelH = 280, kColumns = 2;
constexpr int kLeft = 70, kRight = 20, kTop = 34, kBottom = 44;
constexpr int kLegendH = 40;

const char* SystemColor(const std::string& system) {
  if (system == "lineagedb") return "#1f77b4";
  if (system == "mlmd-bfs") return "#d62728";
  if (system == "sqlite-cte") return "#2ca02c";
  return "#7f7f7f";
}

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f", v);
  return buf;
}

// Decade bounds [lo, hi] (powers of ten) covering the positive `values`.
std::pair<double, double> Decades(const std::vector<double>& values) {
  double lo = 1e300, hi = 0;
  for (double v : values) {
    if (v <= 0) continue;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  if (hi == 0) return {1, 10};
  lo = std::floor(std::log10(lo));
  hi = std::ceil(std::log10(hi));
  if (hi <= lo) hi = lo + 1;
  return {lo, hi};
}

std::string NodesLabel(double decade) {
  return HumanCount(std::pow(10.0, decade));
}

std::string MicrosLabel(double decade) {
  return HumanMicros(std::pow(10.0, decade));
}

// One panel at (x0, y0) with every series of `kind`.
void Panel(std::ostringstream& s, int x0, int y0, const std::string& kind,
           const std::vector<CsvRow>& rows, bool many_shapes,
           std::pair<double, double> xr) {
  std::vector<double> ys;
  for (const CsvRow& r : rows) {
    if (r.kind == kind) ys.push_back(r.p50_us);
  }
  const auto yr = Decades(ys);
  const int w = kPanelW - kLeft - kRight, h = kPanelH - kTop - kBottom;
  const int px = x0 + kLeft, py = y0 + kTop;
  auto X = [&](double nodes) {
    return px + (std::log10(nodes) - xr.first) / (xr.second - xr.first) * w;
  };
  auto Y = [&](double us) {
    return py + h - (std::log10(us) - yr.first) / (yr.second - yr.first) * h;
  };
  s << "<text x=\"" << px + w / 2 << "\" y=\"" << y0 + 20
    << "\" text-anchor=\"middle\" font-weight=\"bold\">" << kind << "</text>\n";
  s << "<rect x=\"" << px << "\" y=\"" << py << "\" width=\"" << w
    << "\" height=\"" << h << "\" fill=\"none\" stroke=\"#999\"/>\n";
  for (double d = yr.first; d <= yr.second + 1e-9; d += 1) {
    const double y = py + h - (d - yr.first) / (yr.second - yr.first) * h;
    s << "<line x1=\"" << px << "\" x2=\"" << px + w << "\" y1=\"" << Num(y)
      << "\" y2=\"" << Num(y) << "\" stroke=\"#eee\"/>\n<text x=\"" << px - 6
      << "\" y=\"" << Num(y + 4) << "\" text-anchor=\"end\">" << MicrosLabel(d)
      << "</text>\n";
  }
  for (double d = xr.first; d <= xr.second + 1e-9; d += 1) {
    const double x = px + (d - xr.first) / (xr.second - xr.first) * w;
    s << "<line x1=\"" << Num(x) << "\" x2=\"" << Num(x) << "\" y1=\"" << py
      << "\" y2=\"" << py + h << "\" stroke=\"#eee\"/>\n<text x=\"" << Num(x)
      << "\" y=\"" << py + h + 16 << "\" text-anchor=\"middle\">"
      << NodesLabel(d) << "</text>\n";
  }
  s << "<text x=\"" << px + w / 2 << "\" y=\"" << py + h + 34
    << "\" text-anchor=\"middle\" fill=\"#555\">graph nodes</text>\n";

  // Series: (shape, system) -> points sorted by size.
  std::map<std::pair<std::string, std::string>, std::map<int64_t, double>>
      series;
  for (const CsvRow& r : rows) {
    if (r.kind == kind && r.p50_us > 0 && r.nodes > 0) {
      series[{r.shape, r.system}][r.nodes] = r.p50_us;
    }
  }
  for (const auto& [key, points] : series) {
    const char* color = SystemColor(key.second);
    const char* dash =
        many_shapes && key.first == "dag" ? " stroke-dasharray=\"6 4\"" : "";
    s << "<polyline fill=\"none\" stroke=\"" << color << "\" stroke-width=\"2\""
      << dash << " points=\"";
    for (const auto& [nodes, us] : points) {
      s << Num(X(nodes)) << "," << Num(Y(us)) << " ";
    }
    s << "\"/>\n";
    for (const auto& [nodes, us] : points) {
      s << "<circle cx=\"" << Num(X(nodes)) << "\" cy=\"" << Num(Y(us))
        << "\" r=\"3.5\" fill=\"" << color << "\"><title>" << key.first << " "
        << key.second << ": " << HumanMicros(us) << " at " << HumanCount(nodes)
        << " nodes</title></circle>\n";
    }
  }
}

}  // namespace

std::string RenderSvg(const std::vector<CsvRow>& rows) {
  std::vector<std::string> kinds;
  std::set<std::string> shapes, systems;
  std::vector<double> sizes;
  for (const CsvRow& r : rows) {
    if (std::find(kinds.begin(), kinds.end(), r.kind) == kinds.end()) {
      kinds.push_back(r.kind);
    }
    shapes.insert(r.shape);
    systems.insert(r.system);
    sizes.push_back(static_cast<double>(r.nodes));
  }
  const auto xr = Decades(sizes);
  const int panel_rows = std::max<int>(
      1, (static_cast<int>(kinds.size()) + kColumns - 1) / kColumns);
  const int width = kColumns * kPanelW;
  const int height = kLegendH + panel_rows * kPanelH;
  std::ostringstream s;
  s << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width
    << "\" height=\"" << height << "\" viewBox=\"0 0 " << width << " " << height
    << "\" font-family=\"sans-serif\" font-size=\"11\">\n"
       "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
       "<text x=\"10\" y=\"18\" font-size=\"14\" font-weight=\"bold\">"
       "lineage-bench: p50 latency vs graph size (log-log)</text>\n";
  int lx = 10;
  for (const std::string& system : systems) {
    s << "<rect x=\"" << lx << "\" y=\"26\" width=\"14\" height=\"4\" fill=\""
      << SystemColor(system) << "\"/><text x=\"" << lx + 18 << "\" y=\"32\">"
      << system << "</text>\n";
    lx += 30 + 7 * static_cast<int>(system.size());
  }
  if (shapes.size() > 1) {
    s << "<text x=\"" << lx
      << "\" y=\"32\" fill=\"#555\">solid: tfx, "
         "dashed: dag</text>\n";
  }
  for (size_t i = 0; i < kinds.size(); ++i) {
    const int x0 = static_cast<int>(i % kColumns) * kPanelW;
    const int y0 = kLegendH + static_cast<int>(i / kColumns) * kPanelH;
    Panel(s, x0, y0, kinds[i], rows, shapes.size() > 1, xr);
  }
  s << "</svg>\n";
  return s.str();
}

}  // namespace lineagedb::bench
