#include "execution/executor.h"

#include <algorithm>
#include <chrono>

#include "common/exception.h"

namespace basin {

void PhysicalOperator::GetData(ExecutionContext&, DataChunk&, GlobalSourceState&, LocalSourceState&) {
  throw InternalError(name_ + " is not a source");
}

OperatorResult PhysicalOperator::Execute(ExecutionContext&, DataChunk&, DataChunk&, OperatorState&,
                                         GlobalOperatorState&) {
  throw InternalError(name_ + " is not a streaming operator");
}

SinkResult PhysicalOperator::Sink(ExecutionContext&, DataChunk&, GlobalSinkState&, LocalSinkState&) {
  throw InternalError(name_ + " is not a sink");
}

std::string PhysicalOperator::ToString(int indent, bool analyze) const {
  std::string s(indent * 2, ' ');
  s += name_;
  std::string details = Details();
  if (!details.empty()) s += " [" + details + "]";
  if (analyze) {
    s += " (rows=" + std::to_string(profile.rows.load());
    char buf[64];
    std::snprintf(buf, sizeof(buf), ", time=%.3f ms)", profile.nanos.load() / 1e6);
    s += buf;
  } else if (estimated_rows > 0) {
    s += " (~" + std::to_string(estimated_rows) + " rows)";
  }
  s += "\n";
  for (auto& c : children) s += c->ToString(indent + 1, analyze);
  return s;
}

void ExecutionContext::CheckInterrupted() const {
  if (interrupted && interrupted->load(std::memory_order_relaxed)) {
    throw Exception(sqlstate::kQueryCanceled, "canceling statement due to user request");
  }
}

Pipeline* Executor::NewPipeline() {
  pipelines_.push_back(std::make_unique<Pipeline>());
  return pipelines_.back().get();
}

void Executor::Build(PhysicalOperator* op, Pipeline* pipeline) {
  if (op->IsSink() && op->SinkChildIndex() == 0) {
    // A pipeline breaker: its output starts this pipeline; its input is a pipeline of its own.
    pipeline->source = op;
    Pipeline* child = NewPipeline();
    child->sink = op;
    child->dependents.push_back(pipeline);
    pipeline->dependencies.push_back(child);
    if (op->children.empty()) throw InternalError(op->name() + " sink without input");
    Build(op->children[0].get(), child);
    return;
  }
  if (op->IsStreaming()) {
    pipeline->operators.insert(pipeline->operators.begin(), op);
    if (op->IsSink()) {
      // A join: the build side is its own pipeline, which this one waits for.
      Pipeline* build = NewPipeline();
      build->sink = op;
      build->dependents.push_back(pipeline);
      pipeline->dependencies.push_back(build);
      Build(op->children[op->SinkChildIndex()].get(), build);
    }
    Build(op->children[0].get(), pipeline);
    return;
  }
  if (op->name() == "UNION_ALL") {
    // Each input runs the rest of this pipeline as a pipeline of its own, into the same sink.
    for (size_t i = 1; i < op->children.size(); i++) {
      Pipeline* copy = NewPipeline();
      copy->operators = pipeline->operators;
      copy->sink = pipeline->sink;
      copy->dependencies = pipeline->dependencies;
      copy->dependents = pipeline->dependents;
      for (Pipeline* d : copy->dependents) d->dependencies.push_back(copy);
      Build(op->children[i].get(), copy);
    }
    Build(op->children[0].get(), pipeline);
    return;
  }
  if (op->IsSource()) {
    pipeline->source = op;
    return;
  }
  throw InternalError("operator " + op->name() + " cannot be placed in a pipeline");
}

void Executor::InitSinks(PhysicalOperator* op) {
  if (op->IsSink()) op->sink_state = op->InitGlobalSink(context_);
  for (auto& c : op->children) InitSinks(c.get());
}

void Executor::Execute(PhysicalOperator& root, PhysicalOperator& result_sink) {
  Pipeline* top = NewPipeline();
  top->sink = &result_sink;
  Build(&root, top);
  InitSinks(&root);
  result_sink.sink_state = result_sink.InitGlobalSink(context_);

  // Run pipelines whose dependencies are done until all are; finalize a sink once no pipeline still feeds it.
  size_t remaining = pipelines_.size();
  while (remaining > 0) {
    Pipeline* next = nullptr;
    for (auto& p : pipelines_) {
      if (p->done) continue;
      bool ready = true;
      for (Pipeline* d : p->dependencies) ready &= d->done;
      if (ready) {
        next = p.get();
        break;
      }
    }
    if (!next) throw InternalError("pipelines depend on each other in a cycle");
    context_.CheckInterrupted();
    RunPipeline(*next);
    next->done = true;
    remaining--;
    bool sink_fed_elsewhere = false;
    for (auto& p : pipelines_) sink_fed_elsewhere |= !p->done && p->sink == next->sink;
    if (!sink_fed_elsewhere) next->sink->Finalize(context_, *next->sink->sink_state);
  }
}

namespace {

/// Per-thread state for one run of a pipeline.
struct PipelineThread {
  ExecutionContext ctx;
  std::unique_ptr<LocalSourceState> source_state;
  std::vector<std::unique_ptr<OperatorState>> op_states;
  std::vector<DataChunk> chunks;  // output chunk of each operator
  std::unique_ptr<LocalSinkState> sink_state;
};

}  // namespace

void Executor::RunPipeline(Pipeline& p) {
  bool serial = !p.source->ParallelSource() || !p.sink->ParallelSink();
  for (auto* op : p.operators) serial |= op->RequiresSerialPipeline();
  int threads = scheduler_.thread_count();
  if (context_.max_threads > 0) threads = std::min(threads, context_.max_threads);
  if (serial) threads = 1;

  ExecutionContext ctx = context_;
  auto gsource = p.source->InitGlobalSource(ctx);
  std::vector<std::unique_ptr<GlobalOperatorState>> gops;
  for (auto* op : p.operators) gops.push_back(op->InitGlobalOperatorState(ctx));
  std::atomic<bool> finished{false};
  bool profile = context_.profile;

  auto push = [&](PipelineThread& t, size_t start, DataChunk& input) -> bool {
    // Push `input` through operators [start, n) into the sink; false once the pipeline is finished.
    std::function<bool(size_t, DataChunk&)> step = [&](size_t i, DataChunk& in) -> bool {
      if (i == p.operators.size()) {
        auto t0 = profile ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point();
        SinkResult r = p.sink->Sink(t.ctx, in, *p.sink->sink_state, *t.sink_state);
        if (profile) {
          p.sink->profile.nanos += (std::chrono::steady_clock::now() - t0).count();
        }
        return r == SinkResult::kNeedMoreInput;
      }
      PhysicalOperator* op = p.operators[i];
      DataChunk& out = t.chunks[i];
      for (;;) {
        out.Reset();
        auto t0 = profile ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point();
        OperatorResult r = op->Execute(t.ctx, in, out, *t.op_states[i], *gops[i]);
        if (profile) {
          op->profile.nanos += (std::chrono::steady_clock::now() - t0).count();
          op->profile.rows += static_cast<int64_t>(out.size());
        }
        if (out.size() > 0 && !step(i + 1, out)) return false;
        if (r == OperatorResult::kFinished) return false;
        if (r == OperatorResult::kNeedMoreInput) return true;
      }
    };
    return step(start, input);
  };

  auto init_thread = [&](PipelineThread& t, int index) {
    t.ctx = ctx;
    t.ctx.thread_index = index;
    t.source_state = p.source->InitLocalSource(t.ctx, *gsource);
    for (auto* op : p.operators) {
      t.op_states.push_back(op->InitOperatorState(t.ctx));
      t.chunks.emplace_back(op->types());
    }
    t.sink_state = p.sink->InitLocalSink(t.ctx);
  };

  scheduler_.RunParallel(threads, [&](int index) {
    PipelineThread t;
    init_thread(t, index);
    DataChunk source_chunk(p.source->types());
    int64_t batch = t.ctx.batch_index;
    while (!finished.load(std::memory_order_relaxed)) {
      t.ctx.CheckInterrupted();
      source_chunk.Reset();
      auto t0 = profile ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point();
      p.source->GetData(t.ctx, source_chunk, *gsource, *t.source_state);
      if (profile) {
        p.source->profile.nanos += (std::chrono::steady_clock::now() - t0).count();
        p.source->profile.rows += static_cast<int64_t>(source_chunk.size());
      }
      if (source_chunk.size() == 0) break;
      if (t.ctx.batch_index != batch) {
        batch = t.ctx.batch_index;
        p.sink->BatchStarted(t.ctx, *p.sink->sink_state, *t.sink_state);
      }
      if (!push(t, 0, source_chunk)) {
        finished = true;
        break;
      }
    }
    p.sink->Combine(t.ctx, *p.sink->sink_state, *t.sink_state);
  });

  // Final output (e.g. unmatched build rows of a FULL join) flows through the rest of the pipeline.
  for (size_t i = 0; i < p.operators.size() && !finished; i++) {
    if (!p.operators[i]->HasFinalOutput()) continue;
    PipelineThread t;
    init_thread(t, 0);
    t.ctx.batch_index = INT64_MAX;  // after every morsel
    DataChunk out(p.operators[i]->types());
    for (;;) {
      t.ctx.CheckInterrupted();
      out.Reset();
      p.operators[i]->FinalOutput(t.ctx, out, *gops[i]);
      if (out.size() == 0) break;
      p.operators[i]->profile.rows += static_cast<int64_t>(out.size());
      if (!push(t, i + 1, out)) break;
    }
    p.sink->Combine(t.ctx, *p.sink->sink_state, *t.sink_state);
  }
}

}  // namespace basin
