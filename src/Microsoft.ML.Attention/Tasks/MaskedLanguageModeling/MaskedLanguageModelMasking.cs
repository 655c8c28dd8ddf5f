using Microsoft.ML.Attention.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// BERT's masking: each real, non-special token is selected with probability <c>p</c> (at least one per row that has any);
/// a selected token becomes [MASK] 80% of the time, a random vocabulary token 10%, and stays unchanged 10%.
/// Labels hold the original id at selected positions and <see cref="IgnoreIndex"/> elsewhere.
/// </summary>
internal sealed class MaskedLanguageModelMasking : IDisposable
{
    public const long IgnoreIndex = -100;

    private readonly double _probability;
    private readonly long _maskId;
    private readonly Tensor _specialIds;     // [S] ids never selected
    private readonly Tensor _replacementIds; // [R] ids a "random token" is drawn from (no special tokens)

    public MaskedLanguageModelMasking(TextTokenizer tokenizer, int embeddingRows, double probability)
    {
        if (probability <= 0 || probability >= 1)
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "The mask probability must be in (0, 1).");
        _probability = probability;
        var special = tokenizer.Special;
        _maskId = special.Mask;
        var specialSet = new HashSet<long> { special.Pad, special.Mask, special.Bos, special.Eos, special.Unk };
        _specialIds = tensor(specialSet.ToArray(), dtype: int64);
        _replacementIds = tensor(Enumerable.Range(0, embeddingRows).Select(i => (long)i).Where(i => !specialSet.Contains(i)).ToArray(), dtype: int64);
    }

    /// <param name="inputIds">[B, T] int64 (on the CPU).</param>
    /// <param name="attentionMask">[B, T], 1 = real token.</param>
    /// <param name="generator">The random source (CPU).</param>
    /// <returns>Masked inputs [B, T] and labels [B, T] (CPU tensors).</returns>
    public (Tensor Inputs, Tensor Labels) Apply(Tensor inputIds, Tensor attentionMask, Generator generator)
    {
        using var scope = NewDisposeScope();
        var candidates = attentionMask.to(@bool).logical_and(isin(inputIds, _specialIds).logical_not());      // [B, T]
        var draw = rand(inputIds.shape, generator: generator);                                                 // [B, T]
        var selected = draw.lt(_probability).logical_and(candidates);

        // A row with candidates but no selection gets its candidate with the smallest draw selected, so every row teaches something.
        var rowHasNone = selected.any(1).logical_not().logical_and(candidates.any(1));                       // [B]
        var forced = draw.masked_fill(candidates.logical_not(), 2.0).argmin(1);                              // [B]
        var forcedMask = nn.functional.one_hot(forced, inputIds.shape[1]).to(@bool).logical_and(rowHasNone.unsqueeze(1));  // [B, T]
        selected = selected.logical_or(forcedMask);

        var labels = inputIds.masked_fill(selected.logical_not(), IgnoreIndex);
        var action = rand(inputIds.shape, generator: generator);
        var toMask = selected.logical_and(action.lt(0.8));
        var toRandom = selected.logical_and(action.ge(0.8)).logical_and(action.lt(0.9));
        var randomIds = _replacementIds[randint(_replacementIds.shape[0], inputIds.shape, generator: generator)];
        var inputs = inputIds.masked_fill(toMask, _maskId);
        inputs = where(toRandom, randomIds, inputs);
        return (inputs.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope());
    }

    public void Dispose()
    {
        _specialIds.Dispose();
        _replacementIds.Dispose();
    }
}
