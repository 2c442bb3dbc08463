#include "pythonrandom.h"

#include <vector>

namespace Loopscope {

// The reference MT19937 (Matsumoto and Nishimura), as CPython's _randommodule.c has it.
PythonRandom::PythonRandom(quint64 seed)
{
    std::vector<quint32> key;
    do {
        key.push_back(quint32(seed & 0xffffffffu));
        seed >>= 32;
    } while (seed);

    auto &mt = m_state;
    mt[0] = 19650218u;
    for (int i = 1; i < 624; ++i)
        mt[i] = 1812433253u * (mt[i - 1] ^ (mt[i - 1] >> 30)) + quint32(i);
    int i = 1;
    std::size_t j = 0;
    for (std::size_t k = std::max<std::size_t>(624, key.size()); k; --k) {
        mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1664525u)) + key[j] + quint32(j);
        if (++i >= 624) {
            mt[0] = mt[623];
            i = 1;
        }
        if (++j >= key.size())
            j = 0;
    }
    for (int k = 623; k; --k) {
        mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1566083941u)) - quint32(i);
        if (++i >= 624) {
            mt[0] = mt[623];
            i = 1;
        }
    }
    mt[0] = 0x80000000u;
    m_index = 624;
}

quint32 PythonRandom::next()
{
    constexpr quint32 Upper = 0x80000000u, Lower = 0x7fffffffu, Matrix = 0x9908b0dfu;
    auto &mt = m_state;
    if (m_index >= 624) {
        for (int k = 0; k < 624; ++k) {
            const quint32 y = (mt[k] & Upper) | (mt[(k + 1) % 624] & Lower);
            mt[k] = mt[(k + 397) % 624] ^ (y >> 1) ^ ((y & 1u) ? Matrix : 0u);
        }
        m_index = 0;
    }
    quint32 y = mt[m_index++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    return y;
}

double PythonRandom::random()
{
    const quint32 a = next() >> 5, b = next() >> 6;
    return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
}

} // namespace Loopscope
