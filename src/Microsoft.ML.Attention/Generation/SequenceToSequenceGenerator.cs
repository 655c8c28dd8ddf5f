using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Generation;

/// <summary>
/// Generates target sequences from source sequences with an <see cref="EncoderDecoderModel"/> (translation): the sources are encoded
/// once, then the decoder produces one token per step for every row together, by greedy decoding, sampling (<see cref="LogitsSampler"/>)
/// or beam search (<see cref="BeamSearchOptions"/>).
/// </summary>
/// <remarks>
/// <para>
/// Formats (<see cref="EncodeSource"/>): a source is <c>Encode(text) + [Eos]</c>, its content cut to the encoder's
/// <see cref="TransformerConfig.MaxSequenceLength"/> - 1 tokens; the decoder starts from <c>[Bos]</c> and a row ends at the target
/// tokenizer's <see cref="SpecialTokenIds.Eos"/>, after <see cref="GenerationOptions.MaxNewTokens"/> tokens, or when the decoder's
/// MaxSequenceLength positions are used. Outputs hold neither the start nor the end token.
/// </para>
/// <para>
/// Rows of different source lengths are right-padded and the padding is masked out of the cross-attention, so a row's output is what
/// it gets alone up to the floating-point differences of a batched pass. With <see cref="GenerationOptions.UseKeyValueCache"/> (default)
/// each step feeds only the newest token: the decoder's self-attention keys and values are appended to an <see cref="EncoderDecoderCache"/>
/// and the cross-attention keys and values of the encoder's output are projected once per source; without it the whole target so far is
/// decoded again at every step (the reference the cache is tested against). Finished rows leave the batch (greedy and sampling).
/// Each row samples with its own generator seeded from <see cref="GenerationOptions.Seed"/>, as it would alone.
/// </para>
/// <para>
/// Beam search keeps <see cref="BeamSearchOptions.BeamSize"/> hypotheses per row, extends each by every token, and keeps the best
/// <c>BeamSize</c> sums of log-probabilities among the 2 <c>BeamSize</c> best candidates; a candidate ending in the end token among the
/// first <c>BeamSize</c> becomes a finished hypothesis scored by its length-normalized sum. A row is done as
/// <see cref="BeamSearchOptions.EarlyStopping"/> says; rows still running at the length limit add their beams as hypotheses. The
/// output is the best finished hypothesis (Hugging Face's <c>BeamSearchScorer</c>). Beam size 1 gives greedy decoding's output.
/// Every step runs under <c>torch.no_grad()</c> in its own dispose scope with the model in evaluation mode (its training mode is restored).
/// An instance is not thread-safe.
/// </para>
/// </remarks>
public sealed class SequenceToSequenceGenerator
{
    private readonly Device _device;

    /// <summary>Creates a generator.</summary>
    /// <param name="model">The encoder-decoder network (inputs are created on the device of its first parameter).</param>
    /// <param name="sourceTokenizer">The tokenizer of the source text (the encoder's vocabulary).</param>
    /// <param name="targetTokenizer">The tokenizer of the target text (the decoder's vocabulary); the same object for a joint vocabulary.</param>
    /// <exception cref="ArgumentException">A tokenizer has more ids than the embedding it feeds has rows.</exception>
    public SequenceToSequenceGenerator(EncoderDecoderModel model, TextTokenizer sourceTokenizer, TextTokenizer targetTokenizer)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sourceTokenizer);
        ArgumentNullException.ThrowIfNull(targetTokenizer);
        if (sourceTokenizer.VocabularySize > model.EncoderConfig.VocabularySize)
        {
            throw new ArgumentException(
                $"sourceTokenizer has {sourceTokenizer.VocabularySize} ids; the encoder's VocabularySize is {model.EncoderConfig.VocabularySize}.", nameof(sourceTokenizer));
        }

        if (targetTokenizer.VocabularySize > model.DecoderConfig.VocabularySize)
        {
            throw new ArgumentException(
                $"targetTokenizer has {targetTokenizer.VocabularySize} ids; the decoder's VocabularySize is {model.DecoderConfig.VocabularySize}.", nameof(targetTokenizer));
        }

        Model = model;
        SourceTokenizer = sourceTokenizer;
        TargetTokenizer = targetTokenizer;
        _device = model.parameters().First().device;
    }

    /// <summary>The network.</summary>
    public EncoderDecoderModel Model { get; }

    /// <summary>The source tokenizer.</summary>
    public TextTokenizer SourceTokenizer { get; }

    /// <summary>The target tokenizer.</summary>
    public TextTokenizer TargetTokenizer { get; }

    /// <summary>
    /// The encoder input for a source text: <c>Encode(text) + [Eos]</c>, the content cut to the encoder's MaxSequenceLength - 1 tokens.
    /// </summary>
    /// <param name="text">The source; null or empty gives <c>[Eos]</c>.</param>
    public IReadOnlyList<int> EncodeSource(string? text) => SequencePairFormat.Source(SourceTokenizer, text, Model.EncoderConfig.MaxSequenceLength);

    /// <summary>Generates the target text of each source text.</summary>
    /// <param name="sources">The source texts; null or empty ones are the end token alone.</param>
    /// <param name="options">Sampling and length options (validated). Stop sequences are not used.</param>
    /// <param name="search">Beam search and n-gram blocking; null = <c>new BeamSearchOptions()</c> (no beams).</param>
    /// <param name="cancellationToken">Checked before each step, as is the ambient <see cref="TransformerScoring.WithCancellation(CancellationToken)"/> scope.</param>
    /// <returns>Each source's generated text, in order.</returns>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    /// <exception cref="OperationCanceledException">Cancellation was requested.</exception>
    public IReadOnlyList<string> Generate(IReadOnlyList<string?> sources, GenerationOptions options, BeamSearchOptions? search = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var ids = GenerateIds(sources.Select(EncodeSource).ToList(), options, search, cancellationToken);
        return ids.Select(row => TargetTokenizer.Decode(row)).ToList();
    }

    /// <summary>Generates target ids for each source.</summary>
    /// <param name="sourceIds">Each row's encoder input (see <see cref="EncodeSource"/>), non-empty, at most the encoder's MaxSequenceLength ids.</param>
    /// <param name="options">Sampling and length options (validated). Stop sequences are not used.</param>
    /// <param name="search">Beam search and n-gram blocking; null = no beams.</param>
    /// <param name="cancellationToken">Checked before each step, as is the ambient <see cref="TransformerScoring.WithCancellation(CancellationToken)"/> scope.</param>
    /// <returns>Each row's generated ids, without start and end tokens, in the order of <paramref name="sourceIds"/>.</returns>
    /// <exception cref="ArgumentException">An option is out of range, or a source row is empty, too long or holds an id outside the vocabulary.</exception>
    /// <exception cref="OperationCanceledException">Cancellation was requested.</exception>
    public IReadOnlyList<IReadOnlyList<int>> GenerateIds(
        IReadOnlyList<IReadOnlyList<int>> sourceIds, GenerationOptions options, BeamSearchOptions? search = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sourceIds);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        search ??= new BeamSearchOptions();
        search.Validate();
        ValidateSources(sourceIds);
        if (sourceIds.Count == 0)
        {
            return [];
        }

        bool wasTraining = Model.training;
        Model.eval();
        try
        {
            using var noGrad = torch.no_grad();
            using var scope = torch.NewDisposeScope();
            int maxNew = Math.Min(options.MaxNewTokens, Model.DecoderConfig.MaxSequenceLength);
            return search.BeamSize == 1
                ? SampleRows(sourceIds, options, search.NoRepeatNgramSize, maxNew, cancellationToken)
                : BeamSearch(sourceIds, search, maxNew, options.UseKeyValueCache, cancellationToken);
        }
        finally
        {
            Model.train(wasTraining);
        }
    }

    // Greedy decoding or sampling, all unfinished rows in one decoder pass per step.
    private List<IReadOnlyList<int>> SampleRows(IReadOnlyList<IReadOnlyList<int>> sources, GenerationOptions options, int noRepeat, int maxNew, CancellationToken cancellationToken)
    {
        int rows = sources.Count;
        var (bos, eos) = (TargetTokenizer.Special.Bos, TargetTokenizer.Special.Eos);
        var samplers = Enumerable.Range(0, rows).Select(_ => new LogitsSampler(options)).ToArray();
        var sequences = Enumerable.Range(0, rows).Select(_ => new List<int> { bos }).ToArray();
        using var cache = options.UseKeyValueCache ? Model.CreateCache() : null;
        try
        {
            var memory = Encode(sources, expandBy: 1); // [B, S, D]
            var active = Enumerable.Range(0, rows).ToList();
            for (int step = 0; step < maxNew && active.Count > 0; step++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                TransformerScoring.ThrowIfCancellationRequested();   // the ambient scope (Transform, PredictionEngine), between steps
                using var stepScope = torch.NewDisposeScope();
                using var last = NextLogits(active.Select(row => sequences[row]).ToList(), memory, cache); // [B', V] float32 on the CPU
                var kept = new List<int>(active.Count);
                for (int i = 0; i < active.Count; i++)
                {
                    var sequence = sequences[active[i]];
                    using var rowLogits = Banned(last[i], sequence, noRepeat); // [V]
                    int next = samplers[active[i]].Sample(rowLogits, sequence);
                    if (next != eos)
                    {
                        sequence.Add(next);
                        kept.Add(i);
                    }
                }

                if (kept.Count < active.Count && kept.Count > 0)
                {
                    long[] keep = [.. kept.Select(i => (long)i)];
                    cache?.KeepRows(keep);
                    var previous = memory;
                    memory = SelectRows(memory, keep); // outlives this step's scope
                    previous.Hidden.Dispose();
                    previous.Mask?.Dispose();
                }

                active = kept.Select(i => active[i]).ToList();
            }
        }
        finally
        {
            foreach (var sampler in samplers)
            {
                sampler.Dispose();
            }
        }

        return sequences.Select(s => (IReadOnlyList<int>)s.Skip(1).ToList()).ToList();
    }

    // Beam search over B rows x K beams, flattened to B K decoder rows (row b's beams at b K .. b K + K - 1).
    private List<IReadOnlyList<int>> BeamSearch(IReadOnlyList<IReadOnlyList<int>> sources, BeamSearchOptions search, int maxNew, bool useCache, CancellationToken cancellationToken)
    {
        int rows = sources.Count, beamSize = search.BeamSize;
        var (bos, eos, pad) = (TargetTokenizer.Special.Bos, TargetTokenizer.Special.Eos, TargetTokenizer.Special.Pad);
        var beams = Enumerable.Range(0, rows * beamSize).Select(_ => new List<int> { bos }).ToList();
        // Only the first beam of a row is live at the start, so the first step does not pick the same token K times.
        var beamScores = Enumerable.Range(0, rows * beamSize).Select(i => i % beamSize == 0 ? 0.0 : double.NegativeInfinity).ToArray();
        var finished = Enumerable.Range(0, rows).Select(_ => new BeamHypotheses(beamSize, search.LengthPenalty, search.EarlyStopping)).ToArray();
        var done = new bool[rows];
        using var cache = useCache ? Model.CreateCache() : null;
        var memory = Encode(sources, expandBy: beamSize); // [B K, S, D]; a beam always extends a beam of its own row, so it is never reordered
        int step = 0;
        for (; step < maxNew && !done.All(d => d); step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TransformerScoring.ThrowIfCancellationRequested();   // the ambient scope (Transform, PredictionEngine), between steps
            using var stepScope = torch.NewDisposeScope();
            using var last = NextLogits(beams, memory, cache); // [B K, V]
            long vocabulary = last.shape[1];
            var logProbabilities = last.log_softmax(-1); // [B K, V]
            for (int beam = 0; beam < beams.Count; beam++)
            {
                var banned = NoRepeatNgram.BannedTokens(beams[beam], search.NoRepeatNgramSize);
                if (banned.Count > 0)
                {
                    logProbabilities[beam].index_fill_(0, torch.tensor(banned.Select(t => (long)t).ToArray()), double.NegativeInfinity);
                }
            }

            var totals = (logProbabilities + torch.tensor(beamScores).to(ScalarType.Float32).unsqueeze(1)).view(rows, beamSize * vocabulary); // [B, K V]
            int candidates = (int)Math.Min(2 * beamSize, beamSize * vocabulary);
            var (topScores, topIndices) = totals.topk(candidates, dim: 1); // [B, 2K] each, best first
            var scores = topScores.to(ScalarType.Float64).data<double>().ToArray();
            var indices = topIndices.data<long>().ToArray();
            var origins = new long[rows * beamSize];
            var tokens = new int[rows * beamSize];
            var nextScores = new double[rows * beamSize];
            for (int row = 0; row < rows; row++)
            {
                int filled = 0;
                for (int rank = 0; rank < candidates && filled < beamSize && !done[row]; rank++)
                {
                    double score = scores[row * candidates + rank];
                    long index = indices[row * candidates + rank];
                    int origin = row * beamSize + (int)(index / vocabulary), token = (int)(index % vocabulary);
                    if (double.IsNegativeInfinity(score))
                    {
                        break;
                    }

                    if (token == eos)
                    {
                        if (rank < beamSize)
                        {
                            finished[row].Add(beams[origin].Skip(1).ToList(), score, generatedLength: step + 1);
                        }

                        continue;
                    }

                    (origins[row * beamSize + filled], tokens[row * beamSize + filled], nextScores[row * beamSize + filled]) = (origin, token, score);
                    filled++;
                }

                for (; filled < beamSize; filled++)
                {
                    // A finished row, or one whose candidates ran out: its beams go on with padding and never win.
                    int self = row * beamSize + filled;
                    (origins[self], tokens[self], nextScores[self]) = (self, pad, double.NegativeInfinity);
                }

                done[row] = done[row] || finished[row].IsDone(nextScores[row * beamSize], step + 1);
            }

            beams = origins.Select((origin, i) => new List<int>(beams[(int)origin]) { tokens[i] }).ToList();
            beamScores = nextScores;
            cache?.KeepRows(origins);
        }

        var outputs = new List<IReadOnlyList<int>>(rows);
        for (int row = 0; row < rows; row++)
        {
            for (int beam = 0; beam < beamSize && !done[row]; beam++)
            {
                int flat = row * beamSize + beam;
                if (!double.IsNegativeInfinity(beamScores[flat]))
                {
                    finished[row].Add(beams[flat].Skip(1).ToList(), beamScores[flat], generatedLength: step);
                }
            }

            outputs.Add(finished[row].Best());
        }

        return outputs;
    }

    // The encoder's memory for the sources right-padded to the longest, each row repeated expandBy times (one per beam).
    private EncoderOutput Encode(IReadOnlyList<IReadOnlyList<int>> sources, int expandBy)
    {
        int rows = sources.Count, length = sources.Max(s => s.Count);
        var ids = new long[rows * length];
        var real = new long[rows * length];
        for (int row = 0; row < rows; row++)
        {
            for (int t = 0; t < length; t++)
            {
                bool isReal = t < sources[row].Count;
                ids[row * length + t] = isReal ? sources[row][t] : SourceTokenizer.Special.Pad;
                real[row * length + t] = isReal ? 1 : 0;
            }
        }

        var input = torch.tensor(ids, device: _device).view(rows, length); // [B, S]
        var mask = sources.Any(s => s.Count < length) ? torch.tensor(real, device: _device).view(rows, length) : null; // [B, S] or null
        if (expandBy > 1)
        {
            input = input.repeat_interleave(expandBy, dim: 0); // [B K, S]
            mask = mask?.repeat_interleave(expandBy, dim: 0);
        }

        return Model.Encode(input, mask);
    }

    // One decoder pass: the newest token of each row with the cache, or each row's whole target without; the last position's logits.
    private Tensor NextLogits(IReadOnlyList<List<int>> targets, EncoderOutput memory, EncoderDecoderCache? cache)
    {
        using var scope = torch.NewDisposeScope();
        int rows = targets.Count, length = cache is null ? targets[0].Count : 1;
        var ids = targets.SelectMany(t => t.Skip(t.Count - length)).Select(id => (long)id).ToArray();
        var input = torch.tensor(ids, device: _device).view(rows, length); // [B', T]
        var logits = Model.Decode(input, memory, cache); // [B', T, V]
        return logits.select(1, -1).to(ScalarType.Float32, CPU).MoveToOuterDisposeScope(); // [B', V]
    }

    // The row's logits [V] with every token that would repeat an n-gram set to minus infinity.
    private static Tensor Banned(Tensor logits, IReadOnlyList<int> sequence, int noRepeat)
    {
        var banned = NoRepeatNgram.BannedTokens(sequence, noRepeat);
        var row = logits.clone();
        if (banned.Count > 0)
        {
            using var index = torch.tensor(banned.Select(t => (long)t).ToArray());
            row.index_fill_(0, index, double.NegativeInfinity);
        }

        return row;
    }

    // The memory of the given rows, moved out of the caller's step scope into the generation's scope.
    private static EncoderOutput SelectRows(EncoderOutput memory, long[] rows)
    {
        using var index = torch.tensor(rows, ScalarType.Int64, memory.Hidden.device);
        return new EncoderOutput(memory.Hidden.index_select(0, index).MoveToOuterDisposeScope(), memory.Mask?.index_select(0, index).MoveToOuterDisposeScope());
    }

    private void ValidateSources(IReadOnlyList<IReadOnlyList<int>> sourceIds)
    {
        for (int row = 0; row < sourceIds.Count; row++)
        {
            var ids = sourceIds[row] ?? throw new ArgumentException($"sourceIds[{row}] is null.", nameof(sourceIds));
            if (ids.Count == 0 || ids.Count > Model.EncoderConfig.MaxSequenceLength)
            {
                throw new ArgumentException(
                    $"sourceIds[{row}] has {ids.Count} ids; it needs 1 to {Model.EncoderConfig.MaxSequenceLength} (the encoder's MaxSequenceLength).", nameof(sourceIds));
            }

            foreach (int id in ids)
            {
                SourceTokenizer.ValidateId(id, nameof(sourceIds));
            }
        }
    }
}
