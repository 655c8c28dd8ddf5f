namespace Microsoft.ML.Attention.Tests.Persistence;

/// <summary>
/// A plain-loop forward pass of a llama2.c version-0 checkpoint, written from run.c's description (one position at a time,
/// interleaved rotary pairs, grouped-query heads), used as an independent reference for the imported model.
/// </summary>
internal sealed class Llama2cReferenceForward
{
    private readonly int _dim, _hidden, _layers, _heads, _kvHeads, _vocab, _headSize, _kvDim;
    private readonly float[] _embedding, _rmsAtt, _wq, _wk, _wv, _wo, _rmsFfn, _w1, _w2, _w3, _rmsFinal, _wcls;
    private readonly List<float[]>[] _keys, _values;

    public Llama2cReferenceForward(int[] header, float[] weights)
    {
        (_dim, _hidden, _layers, _heads, _kvHeads, _vocab) = (header[0], header[1], header[2], header[3], header[4], Math.Abs(header[5]));
        int seqLen = header[6];
        _headSize = _dim / _heads;
        _kvDim = _kvHeads * _headSize;
        int offset = 0;
        float[] Take(long count)
        {
            var part = weights.AsSpan(offset, (int)count).ToArray();
            offset += (int)count;
            return part;
        }

        _embedding = Take((long)_vocab * _dim);
        _rmsAtt = Take(_layers * _dim);
        _wq = Take(_layers * _dim * _dim);
        _wk = Take(_layers * _kvDim * _dim);
        _wv = Take(_layers * _kvDim * _dim);
        _wo = Take(_layers * _dim * _dim);
        _rmsFfn = Take(_layers * _dim);
        _w1 = Take(_layers * _hidden * _dim);
        _w2 = Take(_layers * _dim * _hidden);
        _w3 = Take(_layers * _hidden * _dim);
        _rmsFinal = Take(_dim);
        Take(seqLen * _headSize);
        _wcls = header[5] > 0 ? _embedding : Take((long)_vocab * _dim);
        _keys = Enumerable.Range(0, _layers).Select(_ => new List<float[]>()).ToArray();
        _values = Enumerable.Range(0, _layers).Select(_ => new List<float[]>()).ToArray();
    }

    /// <summary>Feeds the token at the next position; returns the logits [vocab].</summary>
    public float[] Forward(int token)
    {
        int pos = _keys[0].Count;
        var x = _embedding.AsSpan(token * _dim, _dim).ToArray();
        for (int l = 0; l < _layers; l++)
        {
            var xb = RmsNorm(x, _rmsAtt, l * _dim);
            var q = MatVec(_wq, l * _dim * _dim, xb, _dim);
            var k = MatVec(_wk, l * _kvDim * _dim, xb, _kvDim);
            var v = MatVec(_wv, l * _kvDim * _dim, xb, _kvDim);
            Rotate(q, pos);
            Rotate(k, pos);
            _keys[l].Add(k);
            _values[l].Add(v);
            var attended = new float[_dim];
            for (int h = 0; h < _heads; h++)
            {
                int kvOffset = h / (_heads / _kvHeads) * _headSize;
                var scores = new double[pos + 1];
                for (int t = 0; t <= pos; t++)
                {
                    double s = 0;
                    for (int i = 0; i < _headSize; i++)
                    {
                        s += q[h * _headSize + i] * _keys[l][t][kvOffset + i];
                    }

                    scores[t] = s / Math.Sqrt(_headSize);
                }

                double max = scores.Max(), sum = scores.Sum(s => Math.Exp(s - max));
                for (int t = 0; t <= pos; t++)
                {
                    double a = Math.Exp(scores[t] - max) / sum;
                    for (int i = 0; i < _headSize; i++)
                    {
                        attended[h * _headSize + i] += (float)(a * _values[l][t][kvOffset + i]);
                    }
                }
            }

            Add(x, MatVec(_wo, l * _dim * _dim, attended, _dim));
            xb = RmsNorm(x, _rmsFfn, l * _dim);
            var gate = MatVec(_w1, l * _hidden * _dim, xb, _hidden);
            var up = MatVec(_w3, l * _hidden * _dim, xb, _hidden);
            for (int i = 0; i < _hidden; i++)
            {
                gate[i] = gate[i] / (1f + MathF.Exp(-gate[i])) * up[i];
            }

            Add(x, MatVec(_w2, l * _dim * _hidden, gate, _dim));
        }

        return MatVec(_wcls, 0, RmsNorm(x, _rmsFinal, 0), _vocab);
    }

    private void Rotate(float[] vector, int pos)
    {
        for (int i = 0; i < vector.Length; i += 2)
        {
            double angle = pos * Math.Pow(10000.0, -(double)(i % _headSize) / _headSize);
            double c = Math.Cos(angle), s = Math.Sin(angle);
            float a = vector[i], b = vector[i + 1];
            vector[i] = (float)(a * c - b * s);
            vector[i + 1] = (float)(a * s + b * c);
        }
    }

    private float[] RmsNorm(float[] x, float[] weight, int offset)
    {
        double ss = x.Sum(v => (double)v * v) / x.Length;
        double scale = 1.0 / Math.Sqrt(ss + 1e-5);
        return x.Select((v, j) => (float)(weight[offset + j] * v * scale)).ToArray();
    }

    private static float[] MatVec(float[] w, int offset, float[] x, int rows)
    {
        var result = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            double s = 0;
            for (int c = 0; c < x.Length; c++)
            {
                s += w[offset + r * x.Length + c] * x[c];
            }

            result[r] = (float)s;
        }

        return result;
    }

    private static void Add(float[] x, float[] y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            x[i] += y[i];
        }
    }
}
