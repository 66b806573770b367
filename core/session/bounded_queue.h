// A blocking FIFO of fixed capacity between one producer thread and one consumer.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>

namespace tandem {

template <typename T> class BoundedQueue {
public:
    explicit BoundedQueue(size_t capacity) : m_capacity(capacity) {}

    // Blocks while full; returns false when the queue was closed instead.
    bool push(T item)
    {
        std::unique_lock lock(m_mutex);
        m_notFull.wait(lock, [this] { return m_closed || m_items.size() < m_capacity; });
        if (m_closed)
            return false;
        m_items.push_back(std::move(item));
        return true;
    }

    // Never blocks: the consumer is the UI/network thread.
    std::optional<T> tryPop()
    {
        std::unique_lock lock(m_mutex);
        if (m_items.empty())
            return std::nullopt;
        T item = std::move(m_items.front());
        m_items.pop_front();
        lock.unlock();
        m_notFull.notify_one();
        return item;
    }

    // Wakes a blocked producer for good; later pushes fail.
    void close()
    {
        {
            std::lock_guard lock(m_mutex);
            m_closed = true;
        }
        m_notFull.notify_all();
    }

    [[nodiscard]] size_t size() const
    {
        std::lock_guard lock(m_mutex);
        return m_items.size();
    }
    [[nodiscard]] size_t capacity() const { return m_capacity; }

private:
    const size_t m_capacity;
    mutable std::mutex m_mutex;
    std::condition_variable m_notFull;
    std::deque<T> m_items;
    bool m_closed = false;
};

} // namespace tandem
