using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Generation;

/// <summary>
/// Generates text with a decoder-only language model: encodes a prompt, samples one token at a time
/// (see <see cref="LogitsSampler"/>) and decodes the new tokens into text as they are produced.
/// </summary>
/// <remarks>
/// <para>
/// The model input is <c>[Bos] + Encode(prompt)</c>; a null or empty prompt generates from the start token alone.
/// A prompt longer than the model's context (<see cref="TransformerConfig.MaxSequenceLength"/>) is left-truncated:
/// only its last <c>MaxSequenceLength</c> tokens are kept (the start token is then among the dropped ones).
/// </para>
/// <para>
/// Generation stops after <see cref="GenerationOptions.MaxNewTokens"/> tokens, when the model produces the tokenizer's
/// end token (<see cref="SpecialTokenIds.Eos"/>) or start token (<see cref="SpecialTokenIds.Bos"/>, which llama2.c models emit
/// between stories); neither is part of the output. It also stops when the context is full: the token sampled from the
/// last position is returned, but no position is left to feed it back. Text methods also stop at a stop sequence.
/// </para>
/// <para>
/// With <see cref="GenerationOptions.UseKeyValueCache"/> the prompt is one forward pass that fills the cache, then each new
/// token is a single-position forward pass; without it the whole sequence is re-run for every token (the reference path).
/// Every step runs under <c>torch.no_grad()</c> in its own dispose scope, with the model in evaluation mode (its previous
/// training mode is restored afterwards). An instance is not thread-safe: run one generation at a time.
/// </para>
/// <para>
/// Besides the <c>cancellationToken</c> arguments, every method checks the ambient <see cref="TransformerScoring.WithCancellation(CancellationToken)"/>
/// scope before each token (of the code that enumerates, for the streaming methods), and throws
/// <see cref="OperationCanceledException"/> carrying the token that was cancelled.
/// </para>
/// </remarks>
public sealed class TextGenerator
{
    private readonly Device _device;

    /// <summary>Creates a generator for <paramref name="model"/>, whose prompts and outputs go through <paramref name="tokenizer"/>.</summary>
    /// <param name="model">The language model (any device; inputs are created on the device of its first parameter).</param>
    /// <param name="tokenizer">The tokenizer the model was trained with.</param>
    public TextGenerator(CausalLanguageModel model, TextTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        Model = model;
        Tokenizer = tokenizer;
        _device = model.parameters().First().device;
    }

    /// <summary>The language model.</summary>
    public CausalLanguageModel Model { get; }

    /// <summary>The tokenizer.</summary>
    public TextTokenizer Tokenizer { get; }

    /// <summary>The largest number of tokens the model can attend to (its <see cref="TransformerConfig.MaxSequenceLength"/>).</summary>
    public int ContextLength => Model.Backbone.Config.MaxSequenceLength;

    /// <summary>
    /// The model input for a prompt: <c>[Bos] + Encode(prompt)</c>, left-truncated to the last <see cref="ContextLength"/> ids.
    /// </summary>
    /// <param name="prompt">The prompt; null or empty gives <c>[Bos]</c>.</param>
    public IReadOnlyList<int> EncodePrompt(string? prompt)
    {
        var ids = new List<int> { Tokenizer.Special.Bos };
        ids.AddRange(Tokenizer.Encode(prompt));
        return KeepLast(ids);
    }

    /// <summary>Generates new token ids after <paramref name="promptIds"/>.</summary>
    /// <param name="promptIds">The ids as the model sees them (include the start token yourself, see <see cref="EncodePrompt"/>);
    /// empty means the start token alone; more than <see cref="ContextLength"/> ids are left-truncated.</param>
    /// <param name="options">Sampling and stopping options (validated). Stop sequences are text and are ignored here.</param>
    /// <param name="cancellationToken">Checked before each token.</param>
    /// <returns>The new ids only, without the final end/start token.</returns>
    /// <exception cref="ArgumentException">An option is out of range, or a prompt id is outside the model's vocabulary.</exception>
    /// <exception cref="OperationCanceledException">Cancellation was requested.</exception>
    public IReadOnlyList<int> GenerateIds(IReadOnlyList<int> promptIds, GenerationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(promptIds);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return GenerateTokens(PrepareIds(promptIds), options, cancellationToken).ToList();
    }

    /// <summary>
    /// Generates text after <paramref name="prompt"/>, yielding pieces as they are produced. A multi-byte character is never
    /// split across pieces. When a stop sequence appears the output ends before it; text that could be the start of a stop
    /// sequence is held back until it is known not to be one.
    /// </summary>
    /// <param name="prompt">The prompt (not repeated in the output); null or empty generates from the start token alone.</param>
    /// <param name="options">Sampling and stopping options (validated here, before enumeration).</param>
    /// <param name="cancellationToken">Checked before each token; enumeration then throws <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="ArgumentException">An option is out of range, or the tokenizer gives an id outside the model's vocabulary.</exception>
    public IEnumerable<string> Stream(string? prompt, GenerationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return StreamPieces(PrepareIds(EncodePrompt(prompt)), options, cancellationToken);
    }

    /// <summary>Generates text after <paramref name="prompt"/>: the concatenation of <see cref="Stream"/>'s pieces.</summary>
    /// <param name="prompt">The prompt (not repeated in the output); null or empty generates from the start token alone.</param>
    /// <param name="options">Sampling and stopping options (validated).</param>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public string Generate(string? prompt, GenerationOptions options) => string.Concat(Stream(prompt, options));

    /// <summary>
    /// Generates new token ids after each of several prompts, all rows in one forward pass per step (see the remarks of
    /// <see cref="GenerateBatch"/>). Each row's ids are those <see cref="GenerateIds"/> gives for it alone, up to the
    /// floating-point differences of a batched forward pass.
    /// </summary>
    /// <param name="promptIds">Each row's ids as in <see cref="GenerateIds"/>.</param>
    /// <param name="options">Sampling and stopping options (validated). Stop sequences are text and are ignored here.</param>
    /// <param name="cancellationToken">Checked before each step.</param>
    /// <returns>Each row's new ids, in the order of <paramref name="promptIds"/>.</returns>
    /// <exception cref="ArgumentException">An option is out of range, or a prompt id is outside the model's vocabulary.</exception>
    /// <exception cref="OperationCanceledException">Cancellation was requested.</exception>
    public IReadOnlyList<IReadOnlyList<int>> GenerateIdsBatch(
        IReadOnlyList<IReadOnlyList<int>> promptIds, GenerationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(promptIds);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var sequences = promptIds.Select(ids => PrepareIds(ids ?? throw new ArgumentException("promptIds contains a null row.", nameof(promptIds)))).ToList();
        var starts = sequences.Select(s => s.Count).ToArray();
        if (!options.UseKeyValueCache)
        {
            return sequences.Select(s => (IReadOnlyList<int>)GenerateTokens(s, options, cancellationToken).ToList()).ToList();
        }

        BatchedDecoding().Run(sequences, options, (_, _) => true, cancellationToken);
        return sequences.Select((s, row) => (IReadOnlyList<int>)s.Skip(starts[row]).ToList()).ToList();
    }

    /// <summary>
    /// Generates text after each of several prompts together: the prompts are left-padded to the longest and run as one batch,
    /// then each step feeds every unfinished row's last token in one forward pass. Each row's text is what
    /// <see cref="Generate"/> gives for it alone, up to the floating-point differences of a batched forward pass.
    /// </summary>
    /// <remarks>
    /// Each row keeps its own positions (its first real token is at position 0, whatever the padding) and never attends to
    /// padding, so greedy decoding gives the same text as one prompt at a time unless two logits of a row are within rounding
    /// of each other. Each row samples with its own random generator seeded from <see cref="GenerationOptions.Seed"/>, as a
    /// single prompt would. A row stops on its own (end token, <see cref="GenerationOptions.MaxNewTokens"/>, a stop sequence,
    /// a full context) and leaves the batch. Without <see cref="GenerationOptions.UseKeyValueCache"/> the rows are generated one
    /// at a time (the reference path).
    /// </remarks>
    /// <param name="prompts">The prompts; a null or empty prompt generates from the start token alone.</param>
    /// <param name="options">Sampling and stopping options (validated).</param>
    /// <param name="cancellationToken">Checked before each step.</param>
    /// <returns>Each row's new text, in the order of <paramref name="prompts"/>.</returns>
    /// <exception cref="ArgumentException">An option is out of range, or the tokenizer gives an id outside the model's vocabulary.</exception>
    /// <exception cref="OperationCanceledException">Cancellation was requested.</exception>
    public IReadOnlyList<string> GenerateBatch(IReadOnlyList<string?> prompts, GenerationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var sequences = prompts.Select(p => PrepareIds(EncodePrompt(p))).ToList();
        if (!options.UseKeyValueCache)
        {
            return sequences.Select(s => string.Concat(StreamPieces(s, options, cancellationToken))).ToList();
        }

        var decoders = sequences.Select(s => new IncrementalDecoder(Tokenizer, s)).ToArray();
        var stops = sequences.Select(_ => new StopSequenceFilter(options.StopSequences)).ToArray();
        var texts = sequences.Select(_ => new System.Text.StringBuilder()).ToArray();
        BatchedDecoding().Run(sequences, options, (row, id) =>
        {
            texts[row].Append(stops[row].Push(decoders[row].Push(id)));
            return !stops[row].Stopped;
        }, cancellationToken);
        for (int row = 0; row < texts.Length; row++)
        {
            if (!stops[row].Stopped)
            {
                texts[row].Append(stops[row].Push(decoders[row].Flush())).Append(stops[row].Flush());
            }
        }

        return texts.Select(t => t.ToString()).ToList();
    }

    private BatchedDecoding BatchedDecoding() =>
        new(Model, _device, Tokenizer.Special.Eos, Tokenizer.Special.Bos);

    private IEnumerable<string> StreamPieces(List<int> promptIds, GenerationOptions options, CancellationToken cancellationToken)
    {
        var decoder = new IncrementalDecoder(Tokenizer, promptIds);
        var stops = new StopSequenceFilter(options.StopSequences);
        foreach (int id in GenerateTokens(promptIds.ToList(), options, cancellationToken))
        {
            string text = stops.Push(decoder.Push(id));
            if (text.Length > 0)
            {
                yield return text;
            }

            if (stops.Stopped)
            {
                yield break;
            }
        }

        string rest = stops.Push(decoder.Flush()) + stops.Flush();
        if (rest.Length > 0)
        {
            yield return rest;
        }
    }

    private IEnumerable<int> GenerateTokens(List<int> sequence, GenerationOptions options, CancellationToken cancellationToken)
    {
        using var sampler = new LogitsSampler(options);
        using var cache = options.UseKeyValueCache ? new KeyValueCache(Model.Backbone.Config.LayerCount) : null;
        var special = Tokenizer.Special;
        bool wasTraining = Model.training;
        Model.eval();
        try
        {
            for (int step = 0; step < options.MaxNewTokens; step++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                TransformerScoring.ThrowIfCancellationRequested();   // the ambient scope of the enumerating code, between tokens
                int next = NextToken(sequence, cache, sampler);
                if (next == special.Eos || next == special.Bos)
                {
                    yield break;
                }

                sequence.Add(next);
                yield return next;
                if (sequence.Count > ContextLength)
                {
                    yield break; // the context is full: no position is left to feed the new token
                }
            }
        }
        finally
        {
            Model.train(wasTraining);
        }
    }

    // One forward pass: the ids not yet in the cache (all of them without a cache), then a sample from the last position.
    private int NextToken(List<int> sequence, KeyValueCache? cache, LogitsSampler sampler)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        int start = cache?.Length ?? 0;
        var newIds = new long[sequence.Count - start];
        for (int i = 0; i < newIds.Length; i++)
        {
            newIds[i] = sequence[start + i];
        }

        var input = torch.tensor(newIds, device: _device).unsqueeze(0); // [1, T]
        var logits = Model.forward(input, null, cache);                  // [1, T, V]
        return sampler.Sample(logits[0, -1], sequence);                  // [V]
    }

    private List<int> PrepareIds(IReadOnlyList<int> promptIds)
    {
        int vocabularySize = Model.Backbone.Config.VocabularySize;
        for (int i = 0; i < promptIds.Count; i++)
        {
            if (promptIds[i] < 0 || promptIds[i] >= vocabularySize)
            {
                throw new ArgumentException($"promptIds[{i}] = {promptIds[i]} is outside the model's vocabulary [0, {vocabularySize}).", nameof(promptIds));
            }
        }

        return promptIds.Count == 0 ? new List<int> { Tokenizer.Special.Bos } : KeepLast(promptIds);
    }

    private List<int> KeepLast(IReadOnlyList<int> ids) => ids.Skip(Math.Max(0, ids.Count - ContextLength)).ToList();
}
