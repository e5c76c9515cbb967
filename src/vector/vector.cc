#include "vector/vector.h"

#include <algorithm>
#include <memory>

#include "common/exception.h"
#include "vector/physical_dispatch.h"

namespace basin {

namespace {
constexpr size_t kHeapBlockSize = 64 * 1024;

/// A vector's buffer: one allocation holding the reference counts and the values (16-byte aligned for
/// hugeint/interval), not two; vectors are allocated per chunk, so this halves malloc calls on hot paths.
std::shared_ptr<uint8_t[]> NewBuffer(size_t bytes) {
  struct alignas(16) Block {
    uint8_t bytes[16];
  };
  auto blocks = std::make_shared_for_overwrite<Block[]>(std::max<size_t>((bytes + 15) / 16, 1));
  return std::shared_ptr<uint8_t[]>(blocks, reinterpret_cast<uint8_t*>(blocks.get()));
}
}  // namespace

string_t StringHeap::Add(std::string_view s) {
  if (s.size() <= string_t::kInlineLength) return string_t(s);
  char* dst = Allocate(s.size());
  std::memcpy(dst, s.data(), s.size());
  return string_t(dst, static_cast<uint32_t>(s.size()));
}

char* StringHeap::Allocate(size_t size) {
  if (block_used_ + size > block_capacity_) {
    size_t capacity = std::max(kHeapBlockSize, size);
    blocks_.push_back(std::unique_ptr<char[]>(new char[capacity]));
    block_capacity_ = capacity;
    block_used_ = 0;
    total_ += capacity;
  }
  char* result = blocks_.back().get() + block_used_;
  block_used_ += size;
  return result;
}

Vector::Vector(LogicalType type, size_t capacity) : type_(std::move(type)) {
  Allocate(capacity);
}

Vector::Vector(const Value& value) : type_(value.type()) {
  Allocate(1);
  SetValue(0, value);
  constant_ = true;
}

void Vector::Allocate(size_t capacity) {
  capacity_ = std::max<size_t>(capacity, 1);
  size_t bytes = PhysicalSize(type_.physical()) * capacity_;
  buffer_ = NewBuffer(bytes);
  data_ = buffer_.get();
  validity_.SetAllValid();
  dictionary_.reset();
  if (type_.id() == TypeId::kList && !child_) child_ = std::make_unique<Vector>(type_.element(), kVectorSize);
}

StringHeap& Vector::heap() {
  if (!heap_) heap_ = std::make_shared<StringHeap>();
  return *heap_;
}

void Vector::KeepAlive(std::shared_ptr<const void> owner) {
  if (!keep_alive_) {
    keep_alive_ = std::make_shared<KeepAliveList>();
  } else if (keep_alive_.use_count() > 1) {
    keep_alive_ = std::make_shared<KeepAliveList>(*keep_alive_);  // shared with a referencing vector: copy first
  }
  // Consecutive additions of the same owner (slices of one chunk, reads from one page) need one entry.
  if (keep_alive_->empty() || keep_alive_->back() != owner) keep_alive_->push_back(std::move(owner));
}

void Vector::AddHeapReference(const Vector& other) {
  if (&other == this) return;
  if (other.heap_ && other.heap_ != heap_) KeepAlive(other.heap_);
  if (other.keep_alive_ && other.keep_alive_ != keep_alive_) KeepAlive(other.keep_alive_);
}

Vector& Vector::child() {
  if (!child_) child_ = std::make_unique<Vector>(type_.element(), kVectorSize);
  return *child_;
}

void Vector::ReserveChild(size_t n) {
  Vector& c = child();
  if (child_size_ + n > c.capacity()) c.Resize(std::max(c.capacity() * 2, child_size_ + n));
}

Value Vector::GetValue(size_t row) const {
  size_t i = constant_ ? 0 : row;
  if (!validity_.RowIsValid(i)) return Value::Null(type_);
  switch (type_.id()) {
    case TypeId::kNull:
      return Value();
    case TypeId::kBoolean:
      return Value::Boolean(data<uint8_t>()[i] != 0);
    case TypeId::kSmallInt:
      return Value::SmallInt(data<int16_t>()[i]);
    case TypeId::kInteger:
      return Value::Integer(data<int32_t>()[i]);
    case TypeId::kBigInt:
      return Value::BigInt(data<int64_t>()[i]);
    case TypeId::kReal:
      return Value::Real(data<float>()[i]);
    case TypeId::kDouble:
      return Value::Double(data<double>()[i]);
    case TypeId::kDecimal:
      if (type_.physical() == PhysicalType::kInt64) {
        return Value::Decimal(data<int64_t>()[i], type_.width(), type_.scale());
      }
      return Value::Decimal(data<hugeint_t>()[i], type_.width(), type_.scale());
    case TypeId::kVarchar:
      return Value::Varchar(data<string_t>()[i].str());
    case TypeId::kBlob:
      return Value::Blob(data<string_t>()[i].str());
    case TypeId::kDate:
      return Value::Date(data<int32_t>()[i]);
    case TypeId::kTime:
      return Value::Time(data<int64_t>()[i]);
    case TypeId::kTimestamp:
      return Value::Timestamp(data<int64_t>()[i]);
    case TypeId::kTimestampTz:
      return Value::TimestampTz(data<int64_t>()[i]);
    case TypeId::kInterval:
      return Value::Interval(data<interval_t>()[i]);
    case TypeId::kList: {
      const list_entry_t& e = data<list_entry_t>()[i];
      std::vector<Value> items;
      items.reserve(e.length);
      for (uint64_t k = 0; k < e.length; k++) items.push_back(child_->GetValue(e.offset + k));
      return Value::List(type_.element(), std::move(items));
    }
    case TypeId::kInvalid:
      break;
  }
  throw InternalError("GetValue on a vector of invalid type");
}

void Vector::SetValue(size_t row, const Value& value) {
  dictionary_.reset();
  if (value.IsNull()) {
    validity_.SetInvalid(row);
    return;
  }
  validity_.SetValid(row);
  switch (type_.id()) {
    case TypeId::kNull:
      validity_.SetInvalid(row);
      return;
    case TypeId::kBoolean:
      data<uint8_t>()[row] = value.GetBool() ? 1 : 0;
      return;
    case TypeId::kSmallInt:
      data<int16_t>()[row] = static_cast<int16_t>(value.GetInt64());
      return;
    case TypeId::kInteger:
    case TypeId::kDate:
      data<int32_t>()[row] = static_cast<int32_t>(value.GetInt64());
      return;
    case TypeId::kBigInt:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      data<int64_t>()[row] = value.GetInt64();
      return;
    case TypeId::kReal:
      data<float>()[row] = static_cast<float>(value.GetDouble());
      return;
    case TypeId::kDouble:
      data<double>()[row] = value.GetDouble();
      return;
    case TypeId::kDecimal:
      if (type_.physical() == PhysicalType::kInt64) {
        data<int64_t>()[row] = static_cast<int64_t>(value.GetHugeInt());
      } else {
        data<hugeint_t>()[row] = value.GetHugeInt();
      }
      return;
    case TypeId::kVarchar:
    case TypeId::kBlob:
      data<string_t>()[row] = AddString(value.GetString());
      return;
    case TypeId::kInterval:
      data<interval_t>()[row] = value.GetInterval();
      return;
    case TypeId::kList: {
      const auto& items = value.GetList();
      ReserveChild(items.size());
      list_entry_t e{child_size_, items.size()};
      for (size_t k = 0; k < items.size(); k++) child_->SetValue(child_size_ + k, items[k]);
      child_size_ += items.size();
      data<list_entry_t>()[row] = e;
      return;
    }
    case TypeId::kInvalid:
      break;
  }
  throw InternalError("SetValue on a vector of invalid type");
}

void Vector::Reference(const Vector& other) {
  type_ = other.type_;
  capacity_ = other.capacity_;
  constant_ = other.constant_;
  buffer_ = other.buffer_;
  data_ = other.data_;
  validity_ = other.validity_;
  heap_ = other.heap_;
  keep_alive_ = other.keep_alive_;
  dictionary_ = other.dictionary_;
  child_size_ = other.child_size_;
  if (other.child_) {
    child_ = std::make_unique<Vector>(other.child_->type(), 1);
    child_->Reference(*other.child_);
  }
}

void Vector::Flatten(size_t count) {
  if (!constant_) return;
  Vector flat(type_, std::max(count, kVectorSize));
  flat.Slice(*this, nullptr, count);  // a constant source repeats row 0; the selection is not read
  *this = std::move(flat);
}

namespace {

template <class T>
void SliceValues(const Vector& source, Vector& target, const sel_t* sel, size_t count, bool constant) {
  const T* src = source.data<T>();
  T* dst = target.data<T>();
  if (constant) {
    for (size_t i = 0; i < count; i++) dst[i] = src[0];
  } else {
    for (size_t i = 0; i < count; i++) dst[i] = src[sel[i]];
  }
}

template <class T>
void CopyValues(const Vector& source, Vector& target, size_t count, size_t offset, bool constant) {
  const T* src = source.data<T>();
  T* dst = target.data<T>() + offset;
  if (constant) {
    for (size_t i = 0; i < count; i++) dst[i] = src[0];
  } else {
    std::memcpy(dst, src, count * sizeof(T));
  }
}

}  // namespace

void Vector::Slice(const Vector& source, const sel_t* sel, size_t count) {
  if (type_.id() == TypeId::kList) {
    // Lists: rebuild entries and copy elements so the child stays dense.
    Vector result(source.type_, std::max(count, kVectorSize));
    result.CopyLists(source, sel, count, 0);
    *this = std::move(result);
    return;
  }
  if (capacity_ < count || buffer_.use_count() > 1 || buffer_.get() == source.buffer_.get()) {
    Allocate(std::max(count, kVectorSize));
  }
  constant_ = false;
  dictionary_.reset();
  DispatchOnPhysical(type_.physical(),
                     [&]<class T>() { SliceValues<T>(source, *this, sel, count, source.constant_); });
  validity_.SetAllValid();
  if (!source.validity_.AllValid()) {
    validity_.Initialize(capacity_);
    for (size_t i = 0; i < count; i++) {
      if (!source.validity_.RowIsValid(source.constant_ ? 0 : sel[i])) validity_.SetInvalid(i);
    }
  }
  if (type_.physical() == PhysicalType::kString) AddHeapReference(source);
}

void Vector::Append(const Vector& source, size_t count, size_t offset) {
  dictionary_.reset();
  if (offset + count > capacity_) Resize(std::max(capacity_ * 2, offset + count));
  if (type_.id() == TypeId::kList) {
    CopyLists(source, nullptr, count, offset);
    return;
  }
  DispatchOnPhysical(type_.physical(),
                     [&]<class T>() { CopyValues<T>(source, *this, count, offset, source.constant_); });
  if (!source.validity_.AllValid()) {
    if (validity_.AllValid()) validity_.Initialize(capacity_);
    if (source.constant_) {
      const bool valid = source.validity_.RowIsValid(0);
      for (size_t i = 0; i < count; i++) validity_.Set(offset + i, valid);
    } else {
      validity_.Copy(source.validity_, count, offset);
    }
  } else if (!validity_.AllValid()) {
    for (size_t i = 0; i < count; i++) validity_.SetValid(offset + i);
  }
  if (type_.physical() == PhysicalType::kString) AddHeapReference(source);
}

void Vector::CopyLists(const Vector& source, const sel_t* sel, size_t count, size_t offset) {
  const auto* from = source.data<list_entry_t>();
  auto* to = data<list_entry_t>();
  // The entries, after the elements this vector's child holds; then the elements, in one slice of the source's.
  std::vector<sel_t> elements;
  for (size_t i = 0; i < count; i++) {
    const size_t row = source.constant_ ? 0 : sel ? sel[i] : i;
    const bool valid = source.validity_.RowIsValid(row);
    validity_.Set(offset + i, valid);
    const uint64_t length = valid ? from[row].length : 0;
    to[offset + i] = {child_size_ + elements.size(), length};
    for (uint64_t k = 0; k < length; k++) elements.push_back(static_cast<sel_t>(from[row].offset + k));
  }
  if (elements.empty()) return;
  Vector picked(child_->type(), std::max(elements.size(), kVectorSize));
  picked.Slice(*source.child_, elements.data(), elements.size());
  ReserveChild(elements.size());
  child_->Append(picked, elements.size(), child_size_);
  child_size_ += elements.size();
}

void Vector::Resize(size_t capacity) {
  if (capacity <= capacity_) return;
  size_t width = PhysicalSize(type_.physical());
  auto buffer = NewBuffer(width * capacity);
  std::memcpy(buffer.get(), data_, width * capacity_);
  buffer_ = std::move(buffer);
  data_ = buffer_.get();
  capacity_ = capacity;
  validity_.Resize(capacity);
}

void Vector::Reset() {
  // A referenced buffer may still be read elsewhere: take a fresh one instead of overwriting it.
  if (buffer_.use_count() > 1 || constant_) Allocate(std::max(capacity_, kVectorSize));
  constant_ = false;
  validity_.SetAllValid();
  dictionary_.reset();
  heap_.reset();  // strings already handed out stay alive through whoever still references the old heap
  keep_alive_.reset();
  child_size_ = 0;
  if (child_) child_->Reset();
}

size_t Vector::SizeInBytes(size_t count) const {
  size_t bytes = PhysicalSize(type_.physical()) * count;
  if (heap_) bytes += heap_->SizeInBytes();
  if (child_) bytes += child_->SizeInBytes(child_size_);
  return bytes;
}

void DataChunk::Initialize(const std::vector<LogicalType>& types, size_t capacity) {
  columns_.clear();
  columns_.reserve(types.size());
  for (const auto& t : types) columns_.emplace_back(t, capacity);
  capacity_ = capacity;
  count_ = 0;
}

std::vector<LogicalType> DataChunk::Types() const {
  std::vector<LogicalType> types;
  types.reserve(columns_.size());
  for (const auto& c : columns_) types.push_back(c.type());
  return types;
}

void DataChunk::Reset() {
  for (auto& c : columns_) c.Reset();
  count_ = 0;
}

void DataChunk::Reference(const DataChunk& other) {
  if (columns_.size() != other.columns_.size()) {
    columns_.clear();
    for (const auto& c : other.columns_) columns_.emplace_back(c.type(), 1);
  }
  for (size_t i = 0; i < columns_.size(); i++) columns_[i].Reference(other.columns_[i]);
  count_ = other.count_;
  capacity_ = other.capacity_;
}

void DataChunk::Slice(const DataChunk& source, const sel_t* sel, size_t count) {
  if (columns_.size() != source.columns_.size()) Initialize(source.Types(), std::max(count, kVectorSize));
  for (size_t i = 0; i < columns_.size(); i++) columns_[i].Slice(source.columns_[i], sel, count);
  count_ = count;
}

void DataChunk::Append(const DataChunk& other) {
  if (columns_.empty()) Initialize(other.Types(), std::max(other.size(), kVectorSize));
  for (size_t i = 0; i < columns_.size(); i++) columns_[i].Append(other.columns_[i], other.size(), count_);
  count_ += other.size();
  capacity_ = columns_.empty() ? 0 : columns_[0].capacity();
}

void DataChunk::Flatten() {
  for (auto& c : columns_) c.Flatten(count_);
}

size_t DataChunk::SizeInBytes() const {
  size_t bytes = 0;
  for (const auto& c : columns_) bytes += c.SizeInBytes(count_);
  return bytes;
}

}  // namespace basin
