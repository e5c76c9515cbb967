// Variance and standard deviation, covariance, correlation and linear regression, product.
// Moments are kept with Welford's update and merged with Chan et al.'s pairwise formula, which stay
// accurate where the textbook sum-of-squares formula cancels catastrophically.

#include <cmath>

#include "execution/aggregates/aggregate_helpers.h"

namespace basin::aggregates {
namespace {

struct Moments {
  int64_t n;
  double mean;
  double m2;  // sum of squared deviations from the mean
};

/// What a variance-like aggregate returns from its moments; false for NULL.
using MomentsResult = bool (*)(const Moments& m, double& out);

template <MomentsResult kResult>
struct VarianceOp {
  using Input = double;
  using State = Moments;
  static void Initialize(State& s) { s = {0, 0, 0}; }
  static void Update(State& s, double x) {
    s.n++;
    double delta = x - s.mean;
    s.mean += delta / static_cast<double>(s.n);
    s.m2 += delta * (x - s.mean);
  }
  static void Combine(const State& source, State& target) {
    if (source.n == 0) return;
    if (target.n == 0) {
      target = source;
      return;
    }
    double na = static_cast<double>(target.n), nb = static_cast<double>(source.n), n = na + nb;
    double delta = source.mean - target.mean;
    target.mean += delta * nb / n;
    target.m2 += source.m2 + delta * delta * na * nb / n;
    target.n += source.n;
  }
  static void Finalize(State& s, Vector& result, size_t row) {
    double out = 0;
    bool has = kResult(s, out);
    StoreOrNull(result, row, has, out);
  }
};

bool VarSamp(const Moments& m, double& out) {
  if (m.n < 2) return false;
  out = m.m2 / static_cast<double>(m.n - 1);
  return true;
}
bool VarPop(const Moments& m, double& out) {
  if (m.n < 1) return false;
  out = m.m2 / static_cast<double>(m.n);
  return true;
}
bool StddevSamp(const Moments& m, double& out) {
  return VarSamp(m, out) && (out = std::sqrt(out), true);
}
bool StddevPop(const Moments& m, double& out) {
  return VarPop(m, out) && (out = std::sqrt(out), true);
}

/// Co-moments of (y, x) pairs, as PostgreSQL's regression aggregates take them (Y first).
struct CoMoments {
  int64_t n;
  double mean_x;
  double mean_y;
  double sxx;
  double syy;
  double sxy;
};

using CoMomentsResult = bool (*)(const CoMoments& m, double& out);

template <CoMomentsResult kResult>
struct RegressionOp {
  struct State : CoMoments {};
  static void Initialize(State& s) { s = State{}; }
  static void Update(State& s, double y, double x) {
    s.n++;
    double n = static_cast<double>(s.n);
    double dx = x - s.mean_x;
    double dy = y - s.mean_y;
    s.mean_x += dx / n;
    s.mean_y += dy / n;
    s.sxx += dx * (x - s.mean_x);
    s.syy += dy * (y - s.mean_y);
    s.sxy += dx * (y - s.mean_y);
  }
  static void Combine(const State& source, State& target) {
    if (source.n == 0) return;
    if (target.n == 0) {
      target = source;
      return;
    }
    double na = static_cast<double>(target.n), nb = static_cast<double>(source.n), n = na + nb;
    double dx = source.mean_x - target.mean_x, dy = source.mean_y - target.mean_y;
    double w = na * nb / n;
    target.sxx += source.sxx + dx * dx * w;
    target.syy += source.syy + dy * dy * w;
    target.sxy += source.sxy + dx * dy * w;
    target.mean_x += dx * nb / n;
    target.mean_y += dy * nb / n;
    target.n += source.n;
  }
  static void Finalize(State& s, Vector& result, size_t row) {
    double out = 0;
    bool has = kResult(s, out);
    StoreOrNull(result, row, has, out);
  }
};

bool CovarPop(const CoMoments& m, double& out) {
  return m.n >= 1 && (out = m.sxy / m.n, true);
}
bool CovarSamp(const CoMoments& m, double& out) {
  return m.n >= 2 && (out = m.sxy / (m.n - 1), true);
}
bool Corr(const CoMoments& m, double& out) {
  if (m.n < 1 || m.sxx == 0 || m.syy == 0) return false;
  out = m.sxy / std::sqrt(m.sxx * m.syy);
  return true;
}
bool RegrSlope(const CoMoments& m, double& out) {
  if (m.n < 1 || m.sxx == 0) return false;
  out = m.sxy / m.sxx;
  return true;
}
bool RegrIntercept(const CoMoments& m, double& out) {
  if (m.n < 1 || m.sxx == 0) return false;
  out = m.mean_y - m.sxy / m.sxx * m.mean_x;
  return true;
}
bool RegrR2(const CoMoments& m, double& out) {
  if (m.n < 1 || m.sxx == 0) return false;
  out = m.syy == 0 ? 1.0 : m.sxy * m.sxy / (m.sxx * m.syy);
  return true;
}
bool RegrAvgX(const CoMoments& m, double& out) {
  return m.n >= 1 && (out = m.mean_x, true);
}
bool RegrAvgY(const CoMoments& m, double& out) {
  return m.n >= 1 && (out = m.mean_y, true);
}
bool RegrSxx(const CoMoments& m, double& out) {
  return m.n >= 1 && (out = m.sxx, true);
}
bool RegrSyy(const CoMoments& m, double& out) {
  return m.n >= 1 && (out = m.syy, true);
}
bool RegrSxy(const CoMoments& m, double& out) {
  return m.n >= 1 && (out = m.sxy, true);
}

/// Update for two numeric arguments read as doubles; rows where either is NULL are skipped.
template <class Op>
void BinaryDoubleUpdate(DataChunk& args, uint8_t** states, size_t count, const FunctionData*) {
  const Vector& y = args.column(0);
  const Vector& x = args.column(1);
  if ((y.IsConstant() && y.IsNull(0)) || (x.IsConstant() && x.IsNull(0))) return;
  std::vector<double> y_scratch, x_scratch;
  const double* yd = ReadAsDouble(y, count, y_scratch);
  const double* xd = ReadAsDouble(x, count, x_scratch);
  bool yc = y.IsConstant(), xc = x.IsConstant();
  for (size_t i = 0; i < count; i++) {
    if (!y.IsNull(i) && !x.IsNull(i)) {
      Op::Update(StateOf<typename Op::State>(states[i]), yd[yc ? 0 : i], xd[xc ? 0 : i]);
    }
  }
}

template <CoMomentsResult kResult>
AggregateFunction MakeRegression(const char* name) {
  using Op = RegressionOp<kResult>;
  return MakeAggregateWithUpdate<Op>(name, {TypeId::kDouble, TypeId::kDouble}, TypeId::kDouble,
                                     BinaryDoubleUpdate<Op>);
}

/// regr_count(y, x): pairs where both are non-NULL.
bool RegrCount(const CoMoments& m, double& out) {
  return (out = static_cast<double>(m.n), true);
}

struct ProductOp {
  using Input = double;
  struct State {
    double product;
    bool has;
  };
  static void Initialize(State& s) { s = {1, false}; }
  static void Update(State& s, double v) {
    s.product *= v;
    s.has = true;
  }
  static void Combine(const State& source, State& target) {
    if (source.has) Update(target, source.product);
  }
  static void Finalize(State& s, Vector& result, size_t row) { StoreOrNull(result, row, s.has, s.product); }
};

}  // namespace

void AddStatistics(AggregateSet& set) {
  AddDoubleAggregate<VarianceOp<VarSamp>>(set, {"var_samp", "variance"}, TypeId::kDouble);
  AddDoubleAggregate<VarianceOp<VarPop>>(set, {"var_pop"}, TypeId::kDouble);
  AddDoubleAggregate<VarianceOp<StddevSamp>>(set, {"stddev_samp", "stddev"}, TypeId::kDouble);
  AddDoubleAggregate<VarianceOp<StddevPop>>(set, {"stddev_pop"}, TypeId::kDouble);
  AddDoubleAggregate<ProductOp>(set, {"product"}, TypeId::kDouble);

  set.Add(MakeRegression<CovarPop>("covar_pop"));
  set.Add(MakeRegression<CovarSamp>("covar_samp"));
  set.Add(MakeRegression<Corr>("corr"));
  set.Add(MakeRegression<RegrSlope>("regr_slope"));
  set.Add(MakeRegression<RegrIntercept>("regr_intercept"));
  set.Add(MakeRegression<RegrR2>("regr_r2"));
  set.Add(MakeRegression<RegrAvgX>("regr_avgx"));
  set.Add(MakeRegression<RegrAvgY>("regr_avgy"));
  set.Add(MakeRegression<RegrSxx>("regr_sxx"));
  set.Add(MakeRegression<RegrSyy>("regr_syy"));
  set.Add(MakeRegression<RegrSxy>("regr_sxy"));
  // regr_count is a count, so it returns BIGINT; the moments already hold it.
  AggregateFunction count = MakeRegression<RegrCount>("regr_count");
  count.finalize = [](uint8_t* state, Vector& result, size_t row, const FunctionData*) {
    result.data<int64_t>()[row] = StateOf<CoMoments>(state).n;
  };
  count.return_type = TypeId::kBigInt;
  set.Add(std::move(count));
}

}  // namespace basin::aggregates
