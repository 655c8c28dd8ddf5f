using Microsoft.ML.Attention.Tokenization;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// Aligns the words of a sentence with sub-word tokens and back: the encode step that the token-classification trainer and scorer share.
/// </summary>
/// <remarks>
/// <para>The words are joined by single spaces and tokenized as one text (<see cref="TextTokenizer.EncodeWithOffsets"/>); each token
/// belongs to the first word its characters overlap (a zero-length token, to the word at its position). Tokens that overlap no word
/// (white space alone) are dropped.</para>
/// <para>A word the tokenizer turns into nothing (an empty or white-space word, a control character that BERT's normalization drops)
/// is given one [UNK] token (<see cref="SpecialTokenIds.Unk"/>) of length 0 at its position, so every word owns at least one token and
/// gets exactly one prediction; a word the tokenizer turns into [UNK] keeps that token. Training labels a word on its first token
/// (Hugging Face's convention); its other tokens get <see cref="IgnoreIndex"/> and are left out of the loss.</para>
/// <para>A sentence with more tokens than a window holds (<c>maxLength - 2</c>: [CLS] and [SEP] take two positions) is covered by
/// overlapping windows that start every <c>stride</c> tokens; each word is predicted from the window where it has the most context
/// (<see cref="AlignedSentence.PredictionWindow"/>).</para>
/// <para>With case features, every position also gets the <see cref="WordShape"/> of its word's original text (all of a word's sub-words
/// the same shape; [CLS], [SEP] and padding <see cref="WordShape.None"/>), so that a model whose tokenizer lower-cases still sees
/// capitalization.</para>
/// </remarks>
internal sealed class TokenClassificationAligner
{
    /// <summary>The label of positions the loss ignores (PyTorch's and Hugging Face's -100).</summary>
    public const int IgnoreIndex = -100;

    private readonly TextTokenizer _tokenizer;

    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="maxLength">Positions per window, [CLS] and [SEP] included (the model's sequence length); at least 3.</param>
    /// <param name="stride">Tokens between the starts of consecutive windows; at least 1, capped at a window's <c>maxLength - 2</c> tokens.</param>
    /// <param name="caseFeatures">true = <see cref="Tensors"/> also gives every position its word's <see cref="WordShape"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLength"/> or <paramref name="stride"/> is too small.</exception>
    public TokenClassificationAligner(TextTokenizer tokenizer, int maxLength, int stride, bool caseFeatures = false)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (maxLength < 3)
            throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, "A token-classification window needs at least 3 positions ([CLS] token [SEP]).");
        if (stride < 1)
            throw new ArgumentOutOfRangeException(nameof(stride), stride, "The stride between windows must be at least 1 token.");
        _tokenizer = tokenizer;
        MaxLength = maxLength;
        Stride = Math.Min(stride, maxLength - 2);
        CaseFeatures = caseFeatures;
    }

    /// <summary>Whether <see cref="Tensors"/> gives word shapes.</summary>
    public bool CaseFeatures { get; }

    /// <summary>Positions per window, [CLS] and [SEP] included.</summary>
    public int MaxLength { get; }

    /// <summary>Tokens between the starts of consecutive windows.</summary>
    public int Stride { get; }

    /// <summary>Aligns one sentence.</summary>
    /// <param name="words">The words; a null word counts as empty.</param>
    /// <returns>The sentence with its tokens, their words and its windows.</returns>
    public AlignedSentence Align(IReadOnlyList<string?> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        string[] kept = words.Select(w => w ?? "").ToArray();
        var starts = new int[kept.Length];
        for (int w = 1; w < kept.Length; w++)
            starts[w] = starts[w - 1] + kept[w - 1].Length + 1;
        TokenSpan[] encoded = _tokenizer.EncodeWithOffsets(string.Join(' ', kept));

        var tokens = new List<TokenSpan>(encoded.Length + 1);
        var firstToken = new int[kept.Length];
        var tokenCount = new int[kept.Length];
        int word = 0;
        foreach (var token in encoded)
        {
            int owner = OwnerOf(token, starts, kept, word);
            if (owner < 0)
                continue;
            for (; word < owner; word++)
                AddFallbackIfEmpty(word);
            if (tokenCount[word]++ == 0)
                firstToken[word] = tokens.Count;
            tokens.Add(token);
        }
        for (; word < kept.Length; word++)
            AddFallbackIfEmpty(word);

        var windows = new List<(int First, int Count)>();
        int budget = MaxLength - 2;
        for (int first = 0; first < tokens.Count; first += Stride)
        {
            int count = Math.Min(budget, tokens.Count - first);
            windows.Add((first, count));
            if (first + count >= tokens.Count)
                break;
        }
        return new AlignedSentence(kept, [.. tokens], firstToken, tokenCount, windows);

        void AddFallbackIfEmpty(int w)
        {
            if (tokenCount[w] > 0)
                return;
            firstToken[w] = tokens.Count;
            tokenCount[w] = 1;
            tokens.Add(new TokenSpan(_tokenizer.Special.Unk, starts[w], 0));
        }
    }

    // The word a token belongs to, searching from word 'from' on (token starts never decrease); -1 when it overlaps no word.
    private static int OwnerOf(TokenSpan token, int[] starts, string[] words, int from)
    {
        for (int w = from; w < words.Length; w++)
        {
            int end = starts[w] + words[w].Length;
            bool owns = token.Length == 0
                ? token.Start >= starts[w] && token.Start < Math.Max(end, starts[w] + 1)
                : token.Start < end && token.End > starts[w];
            if (owns)
                return w;
            if (starts[w] >= token.End && token.Length > 0)
                return -1;
        }
        return -1;
    }

    /// <summary>
    /// The training labels of one window, one per position of its packed row (<see cref="AlignedSentence.WindowLength"/>): a word's label
    /// at its first token when that token is in the window, <see cref="IgnoreIndex"/> everywhere else ([CLS], [SEP], later sub-words).
    /// </summary>
    /// <param name="sentence">The aligned sentence.</param>
    /// <param name="window">The window's index.</param>
    /// <param name="wordLabels">One class index per word.</param>
    public static long[] WindowLabels(AlignedSentence sentence, int window, IReadOnlyList<int> wordLabels)
    {
        var (first, count) = sentence.Windows[window];
        var labels = new long[count + 2];
        Array.Fill(labels, IgnoreIndex);
        for (int w = 0; w < sentence.Words.Length; w++)
        {
            int token = sentence.FirstToken[w];
            if (token >= first && token < first + count)
                labels[1 + token - first] = wordLabels[w];
        }
        return labels;
    }

    /// <summary>
    /// Window tensors, each [B, T] int64 with T the longest window: ids, attention mask (padding is [PAD] and masked) and, with
    /// <see cref="CaseFeatures"/>, the word shapes (<see cref="WordShape"/> of each position's word; null without case features).
    /// </summary>
    /// <param name="windows">(sentence, window index) pairs.</param>
    /// <param name="device">Where the tensors go.</param>
    /// <returns>Ids, mask and shapes; the caller disposes them.</returns>
    public (Tensor Ids, Tensor Mask, Tensor? Shapes) Tensors(IReadOnlyList<(AlignedSentence Sentence, int Window)> windows, Device device)
    {
        var batch = Batch(windows);
        var (ids, mask) = batch.ToTensors(device);
        return (ids, mask, ShapesTensor(batch, device));
    }

    /// <summary>The word shapes of a batch <see cref="Batch"/> made, [B, T] int64; null without case features.</summary>
    public static Tensor? ShapesTensor(EncodedBatch batch, Device device) =>
        batch.TaskInputs.TryGetValue(TokenClassificationSpec.WordShapeIdsInputName, out var shapes)
            ? tensor(shapes, [batch.BatchSize, batch.SequenceLength], int64, device)
            : null;

    /// <summary>
    /// The windows as a padded batch [B, T] (T the longest window): ids and attention mask, token types 0 and, with case features, the
    /// word shapes as the task input <c>word_shape_ids</c>.
    /// </summary>
    /// <param name="windows">(sentence, window index) pairs.</param>
    public EncodedBatch Batch(IReadOnlyList<(AlignedSentence Sentence, int Window)> windows)
    {
        int length = windows.Max(w => w.Sentence.WindowLength(w.Window));
        var ids = new long[windows.Count * length];
        var mask = new long[ids.Length];
        var shapes = CaseFeatures ? new long[ids.Length] : null;   // 0 = WordShape.None: [CLS], [SEP], padding
        var special = _tokenizer.Special;
        Array.Fill(ids, special.Pad);
        for (int b = 0; b < windows.Count; b++)
        {
            var (sentence, window) = windows[b];
            var (first, count) = sentence.Windows[window];
            int at = b * length;                                   // row b of [B, T]
            ids[at] = special.Bos;
            for (int k = 0; k < count; k++)
                ids[at + 1 + k] = sentence.Tokens[first + k].Id;
            ids[at + count + 1] = special.Eos;
            Array.Fill(mask, 1L, at, count + 2);
            if (shapes is not null)
                FillShapes(sentence, first, count, shapes.AsSpan(at + 1, count));
        }
        var taskInputs = shapes is null
            ? EncodedBatch.NoTaskInputs
            : new Dictionary<string, long[]> { [TokenClassificationSpec.WordShapeIdsInputName] = shapes };
        return new EncodedBatch(windows.Count, length, ids, mask, new long[ids.Length], [.. windows.Select(w => w.Sentence.WindowLength(w.Window))],
            truncatedRowCount: 0) { TaskInputs = taskInputs };
    }

    // The shape of each token's word, for the tokens [first, first + count) of the sentence.
    private static void FillShapes(AlignedSentence sentence, int first, int count, Span<long> shapes)
    {
        for (int w = 0; w < sentence.Words.Length; w++)
        {
            int start = Math.Max(sentence.FirstToken[w], first);
            int end = Math.Min(sentence.FirstToken[w] + sentence.TokenCount[w], first + count);
            if (start >= end)
                continue;
            long wordShape = (long)WordShapes.Of(sentence.Words[w]);
            for (int t = start; t < end; t++)
                shapes[t - first] = wordShape;
        }
    }

    /// <summary>
    /// Every word's prediction from the class probabilities of the sentence's windows.
    /// </summary>
    /// <param name="sentence">The aligned sentence.</param>
    /// <param name="windowProbabilities">Per window, the softmax over the classes at every position of its packed row, row-major
    /// [<see cref="AlignedSentence.WindowLength"/> * C].</param>
    /// <param name="classCount">The number of classes C.</param>
    /// <param name="aggregation">How a word's sub-words are combined; only the sub-words inside the word's prediction window count.</param>
    /// <returns>One prediction per word, in order.</returns>
    public static WordPrediction[] Aggregate(AlignedSentence sentence, IReadOnlyList<float[]> windowProbabilities, int classCount, TokenAggregation aggregation)
    {
        var predictions = new WordPrediction[sentence.Words.Length];
        var mean = new float[classCount];
        for (int w = 0; w < predictions.Length; w++)
        {
            int window = sentence.PredictionWindow(w);
            var (start, count) = sentence.Windows[window];
            float[] probabilities = windowProbabilities[window];
            int first = sentence.FirstToken[w];
            int last = Math.Min(first + sentence.TokenCount[w], start + count) - 1;
            ReadOnlySpan<float> At(int token) => probabilities.AsSpan((1 + token - start) * classCount, classCount);
            switch (aggregation)
            {
                case TokenAggregation.First:
                    predictions[w] = Best(At(first));
                    break;
                case TokenAggregation.Average:
                    Array.Clear(mean);
                    for (int t = first; t <= last; t++)
                    {
                        var row = At(t);
                        for (int c = 0; c < classCount; c++)
                            mean[c] += row[c] / (last - first + 1);
                    }
                    predictions[w] = Best(mean);
                    break;
                case TokenAggregation.Max:
                    predictions[w] = Best(At(first));
                    for (int t = first + 1; t <= last; t++)
                    {
                        var candidate = Best(At(t));
                        if (candidate.Score > predictions[w].Score)
                            predictions[w] = candidate;
                    }
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(aggregation), aggregation, "Not a TokenAggregation value.");
            }
        }
        return predictions;
    }

    // The most probable class (the lowest index on ties) and its probability.
    private static WordPrediction Best(ReadOnlySpan<float> probabilities)
    {
        int best = 0;
        for (int c = 1; c < probabilities.Length; c++)
        {
            if (probabilities[c] > probabilities[best])
                best = c;
        }
        return new WordPrediction(best, probabilities[best]);
    }
}
