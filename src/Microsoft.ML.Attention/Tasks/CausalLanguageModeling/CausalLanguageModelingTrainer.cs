using Microsoft.ML.Attention.Training;
using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// Pretrains a <see cref="CausalLanguageModel"/> with the next-token objective on one token stream: documents are joined
/// (<see cref="JoinDocuments"/>) and cut into windows of the context length. A window starting at <c>s</c> feeds tokens
/// <c>[s, s + T)</c> and predicts tokens <c>[s + 1, s + T + 1)</c>.
/// </summary>
internal static class CausalLanguageModelingTrainer
{
    /// <summary>Target value of padded positions: they add nothing to the loss.</summary>
    public const long IgnoreIndex = -100;

    /// <summary>
    /// The token stream of <paramref name="texts"/>: each non-empty document is <c>[Bos] tokens [Eos]</c>, as generation prompts start
    /// with Bos and generation ends at Eos. When Bos and Eos are one token (GPT-2's &lt;|endoftext|&gt;) the previous document's Eos
    /// also serves as the next one's Bos, so the documents are simply joined with it.
    /// </summary>
    public static int[] JoinDocuments(TextTokenizer tokenizer, IEnumerable<string> texts)
    {
        var special = tokenizer.Special;
        var stream = new List<int>();
        foreach (string text in texts)
        {
            int[] ids = tokenizer.Encode(text);
            if (ids.Length == 0)
                continue;
            if (stream.Count == 0 || stream[^1] != special.Bos)
                stream.Add(special.Bos);
            stream.AddRange(ids);
            stream.Add(special.Eos);
        }
        return stream.ToArray();
    }

    /// <summary>
    /// Start offsets of the windows of <paramref name="blockLength"/> inputs over a stream of <paramref name="tokenCount"/> tokens,
    /// every <paramref name="stride"/> tokens. Only full windows are taken, except that the tokens after the last full window
    /// (or a stream shorter than one window) form one final, shorter window when no window covers them.
    /// <paramref name="stride"/> = <paramref name="blockLength"/> gives non-overlapping blocks that cover the stream;
    /// 1 gives every offset (nanoGPT's <c>get_batch</c> draws from these).
    /// </summary>
    public static int[] WindowStarts(int tokenCount, int blockLength, int stride)
    {
        if (blockLength < 1 || stride < 1)
            throw new ArgumentOutOfRangeException(nameof(stride), $"blockLength ({blockLength}) and stride ({stride}) must be positive.");
        var starts = new List<int>();
        for (long s = 0; s < tokenCount - 1; s += stride)
        {
            if (s + blockLength <= tokenCount - 1)
            {
                starts.Add((int)s);
                continue;
            }
            if (starts.Count == 0 || starts[^1] + blockLength < tokenCount - 1)
                starts.Add((int)s);
            break;
        }
        return starts.ToArray();
    }

    /// <summary>
    /// Inputs [B, T] and targets [B, T] (CPU int64) of the windows starting at <paramref name="starts"/>; T is the longest window.
    /// Positions past a short window's end get input 0 (any valid id: causal attention keeps it from earlier positions) and
    /// target <see cref="IgnoreIndex"/>.
    /// </summary>
    public static (Tensor Inputs, Tensor Targets) Batch(int[] tokens, IReadOnlyList<int> starts, int blockLength)
    {
        int rows = starts.Count;
        int length = starts.Max(s => Math.Min(blockLength, tokens.Length - 1 - s));
        var inputs = new long[rows * length];
        var targets = new long[rows * length];
        Array.Fill(targets, IgnoreIndex);
        for (int b = 0; b < rows; b++)
        {
            // [B, T] row-major: row b starts at b * T.
            int s = starts[b], offset = b * length, count = Math.Min(blockLength, tokens.Length - 1 - s);
            for (int t = 0; t < count; t++)
            {
                inputs[offset + t] = tokens[s + t];
                targets[offset + t] = tokens[s + t + 1];
            }
        }
        return (tensor(inputs, [rows, length]), tensor(targets, [rows, length]));
    }

    /// <summary>Summed next-token cross-entropy of the windows at <paramref name="starts"/> and the number of predicted tokens.</summary>
    public static (Tensor LossSum, long TokenCount) LossSum(CausalLanguageModel model, int[] tokens, IReadOnlyList<int> starts, int blockLength, Device device)
    {
        using var scope = NewDisposeScope();
        var (inputs, targets) = Batch(tokens, starts, blockLength);
        var flatTargets = targets.to(device).flatten();                                        // [B * T]
        var logits = model.forward(inputs.to(device));                                          // [B, T, V]
        var sum = nn.functional.cross_entropy(logits.flatten(0, 1), flatTargets, ignore_index: IgnoreIndex, reduction: nn.Reduction.Sum);
        long count = flatTargets.ne(IgnoreIndex).sum().item<long>();
        return (sum.MoveToOuterDisposeScope(), count);
    }

    /// <summary>Mean next-token loss over every non-overlapping window of <paramref name="tokens"/>, in batches of <paramref name="batchSize"/>.</summary>
    public static ValidationResult Evaluate(CausalLanguageModel model, int[] tokens, int blockLength, int batchSize, Device device, Action? checkAlive = null)
    {
        int[] starts = WindowStarts(tokens.Length, blockLength, blockLength);
        double lossSum = 0;
        long tokenCount = 0;
        for (int first = 0; first < starts.Length; first += batchSize)
        {
            checkAlive?.Invoke();
            var (sum, count) = LossSum(model, tokens, starts[first..Math.Min(starts.Length, first + batchSize)], blockLength, device);
            using (sum)
                lossSum += sum.item<float>();
            tokenCount += count;
        }
        double loss = tokenCount == 0 ? double.NaN : lossSum / tokenCount;
        return new ValidationResult(loss, -loss, $"causal-LM loss {loss:F4}, perplexity {Math.Exp(loss):F2} over {tokenCount} tokens");
    }

    /// <summary>
    /// Trains on the windows of <paramref name="tokens"/> taken every <paramref name="stride"/> tokens (see <see cref="WindowStarts"/>),
    /// with <see cref="TrainingLoop"/> (shuffled windows per epoch). With <paramref name="validationTokens"/>, the loop reports the
    /// mean loss over their non-overlapping windows before training and after every epoch.
    /// </summary>
    /// <param name="model">The network (on <paramref name="device"/>).</param>
    /// <param name="tokens">The training stream; ids below the model's vocabulary size; at least 2 tokens.</param>
    /// <param name="validationTokens">Held-out stream, or null.</param>
    /// <param name="stride">Distance between window starts: the context length for non-overlapping blocks, 1 for every offset.</param>
    /// <param name="settings">Optimizer, schedule and logging settings.</param>
    /// <param name="device">Where the batches go.</param>
    /// <param name="log">Progress lines.</param>
    public static TrainingResult Train(CausalLanguageModel model, int[] tokens, int[]? validationTokens, int stride,
        TrainingSettings settings, Device device, Action<string> log)
    {
        int blockLength = model.Backbone.Config.MaxSequenceLength;
        CheckIds(tokens, model.Backbone.Config.VocabularySize, "training");
        int[] starts = WindowStarts(tokens.Length, blockLength, stride);
        if (starts.Length == 0)
            throw new ArgumentException($"The training text holds {tokens.Length} token(s); next-token training needs at least 2.", nameof(tokens));

        Func<ValidationResult>? validate = null;
        if (validationTokens is { Length: > 1 })
        {
            CheckIds(validationTokens, model.Backbone.Config.VocabularySize, "validation");
            validate = () => Evaluate(model, validationTokens, blockLength, settings.BatchSize, device, settings.CheckAlive);
        }

        log($"Causal LM: {tokens.Length:N0} training tokens in {starts.Length:N0} windows of up to {blockLength} tokens (stride {stride}).");
        return TrainingLoop.Run(model, starts.Length, settings,
            indices =>
            {
                var (sum, count) = LossSum(model, tokens, indices.Select(i => starts[i]).ToList(), blockLength, device);
                return sum / Math.Max(1, count);
            },
            validate, earlyStoppingPatience: 0, log);
    }

    private static void CheckIds(int[] tokens, int vocabularySize, string what)
    {
        int bad = Array.FindIndex(tokens, id => id < 0 || id >= vocabularySize);
        if (bad >= 0)
            throw new ArgumentException($"The {what} text encodes to token id {tokens[bad]}, outside the model's vocabulary [0, {vocabularySize}).", nameof(tokens));
    }
}
