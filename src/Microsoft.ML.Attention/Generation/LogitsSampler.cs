using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Generation;

/// <summary>
/// Picks the next token from one row of logits: repetition penalty, then greedy decoding (temperature 0 or top-k 1),
/// or temperature scaling, top-k and top-p (nucleus) filtering and a draw from the remaining distribution.
/// Draws come from a private <see cref="torch.Generator"/> seeded from <see cref="GenerationOptions.Seed"/>,
/// so a seeded sampler gives the same sequence of tokens for the same sequence of logits.
/// </summary>
public sealed class LogitsSampler : IDisposable
{
    private readonly float _temperature;
    private readonly int _topK;
    private readonly float _topP;
    private readonly float _repetitionPenalty;
    private readonly torch.Generator _generator;

    /// <summary>Creates a sampler with the sampling settings of <paramref name="options"/> (copied: later changes to the options do not affect it).</summary>
    /// <param name="options">The options; validated here.</param>
    /// <exception cref="ArgumentException">An option is out of range (see <see cref="GenerationOptions.Validate"/>).</exception>
    public LogitsSampler(GenerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _temperature = options.Temperature;
        _topK = options.TopK;
        _topP = options.TopP;
        _repetitionPenalty = options.RepetitionPenalty;
        ulong seed = options.Seed is int s ? unchecked((ulong)s) : unchecked((ulong)Random.Shared.NextInt64());
        _generator = new torch.Generator(seed);
    }

    /// <summary>Whether this sampler always takes the most likely token (temperature 0 or top-k 1).</summary>
    public bool IsGreedy => _temperature == 0f || _topK == 1;

    /// <summary>Chooses the next token id.</summary>
    /// <param name="logits">Unnormalized scores of the next token, [V] (any floating dtype and device; not modified).</param>
    /// <param name="previousIds">Ids already in the sequence, for the repetition penalty; may be empty.</param>
    /// <returns>The chosen id, in [0, V).</returns>
    /// <exception cref="ArgumentException"><paramref name="logits"/> is not one-dimensional, is empty, or a previous id is outside [0, V).</exception>
    public int Sample(Tensor logits, IReadOnlyCollection<int> previousIds)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(previousIds);
        if (logits.dim() != 1 || logits.shape[0] == 0)
        {
            throw new ArgumentException($"logits must be a non-empty row [V]; got shape [{string.Join(", ", logits.shape)}].", nameof(logits));
        }

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        long vocabularySize = logits.shape[0];
        var scores = logits.to(ScalarType.Float32, CPU).clone(); // [V]
        ApplyRepetitionPenalty(scores, previousIds, vocabularySize);

        if (IsGreedy)
        {
            return (int)scores.argmax().item<long>();
        }

        scores = scores / _temperature;
        if (_topK > 0 && _topK < vocabularySize)
        {
            var kthLargest = scores.topk(_topK).values[_topK - 1]; // scalar
            scores = scores.masked_fill(scores < kthLargest, float.NegativeInfinity);
        }

        if (_topP < 1f)
        {
            scores = KeepNucleus(scores);
        }

        var probabilities = torch.softmax(scores, 0); // [V]
        return (int)torch.multinomial(probabilities, 1, generator: _generator).item<long>();
    }

    /// <summary>Releases the random generator.</summary>
    public void Dispose() => _generator.Dispose();

    private void ApplyRepetitionPenalty(Tensor scores, IReadOnlyCollection<int> previousIds, long vocabularySize)
    {
        if (_repetitionPenalty == 1f || previousIds.Count == 0)
        {
            return;
        }

        var seen = new HashSet<long>();
        foreach (int id in previousIds)
        {
            if (id < 0 || id >= vocabularySize)
            {
                throw new ArgumentException($"previousIds contains {id}, outside the logits' vocabulary [0, {vocabularySize}).", nameof(previousIds));
            }

            seen.Add(id);
        }

        var index = torch.tensor(seen.ToArray(), ScalarType.Int64); // [S]
        var picked = scores.index_select(0, index);                 // [S]
        var penalized = torch.where(picked > 0, picked / _repetitionPenalty, picked * _repetitionPenalty);
        scores.index_copy_(0, index, penalized);
    }

    // Keeps the smallest set of most likely tokens whose probabilities sum to at least TopP; the most likely token always stays.
    private Tensor KeepNucleus(Tensor scores)
    {
        var (sorted, order) = scores.sort(descending: true);             // [V] each
        var sortedProbabilities = torch.softmax(sorted, 0);              // [V]
        var before = sortedProbabilities.cumsum(0) - sortedProbabilities; // probability mass of the more likely tokens
        var dropSorted = before >= _topP;                                 // [V] bool, first entry always false
        var drop = torch.zeros_like(dropSorted).scatter(0, order, dropSorted);
        return scores.masked_fill(drop, float.NegativeInfinity);
    }
}
