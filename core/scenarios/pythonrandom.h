#pragma once

#include <QtGlobal>

#include <array>

namespace Loopscope {

//! Python's random.Random(seed) for a whole-number seed: the same MT19937 seeded the same way
//! (init_by_array over the seed's 32-bit words), so random() and uniform() give exactly the
//! numbers CPython does and a scenario's timeline can be compared with its Python equivalent.
//! Any thread; not shared between threads.
class PythonRandom
{
public:
    explicit PythonRandom(quint64 seed);
    //! random.random(): [0, 1) with 53 random bits.
    double random();
    //! random.uniform(a, b): a + (b - a) * random().
    double uniform(double a, double b) { return a + (b - a) * random(); }

private:
    quint32 next();

    std::array<quint32, 624> m_state{};
    int m_index = 625;
};

} // namespace Loopscope
