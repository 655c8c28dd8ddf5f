using Microsoft.ML.Attention.Tokenization;

namespace Microsoft.ML.Attention.Tests.Tokenization;

public class TokenizerSerializationTests
{
    private const string Sample = "Once upon a time, naïve Héllo ☃ 🙂 said \"hi\"\n[MASK] <|endoftext|> unaffable";

    public static TheoryData<TokenizerKind> Kinds => [TokenizerKind.Gpt2, TokenizerKind.WordPiece, TokenizerKind.Character, TokenizerKind.Llama2c];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Save_then_load_from_memory_encodes_and_decodes_identically(TokenizerKind kind)
    {
        TextTokenizer original = Create(kind);
        byte[] saved = Save(original);

        // Only the bytes in memory: no vocabulary file, tokenizer file or data package is read by Load.
        using var reader = new BinaryReader(new MemoryStream(saved));
        TextTokenizer loaded = TextTokenizer.Load(reader);

        Assert.Equal(saved.Length, reader.BaseStream.Position);
        Assert.Equal(original.Kind, loaded.Kind);
        Assert.Equal(original.VocabularySize, loaded.VocabularySize);
        Assert.Equal(original.BaseVocabularySize, loaded.BaseVocabularySize);
        Assert.Equal(original.Special, loaded.Special);
        int[] ids = original.Encode(Sample);
        Assert.Equal(ids, loaded.Encode(Sample));
        Assert.Equal(original.Decode(ids), loaded.Decode(ids));
        Assert.Equal(original.Decode(ids, skipSpecialTokens: false), loaded.Decode(ids, skipSpecialTokens: false));
        Assert.Equal(saved, Save(loaded));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Truncated_stream_is_invalid_data(TokenizerKind kind)
    {
        byte[] saved = Save(Create(kind));
        foreach (int length in new[] { 0, 3, 9, saved.Length / 2, saved.Length - 1 })
        {
            using var reader = new BinaryReader(new MemoryStream(saved[..length]));
            Assert.Throws<InvalidDataException>(() => TextTokenizer.Load(reader));
        }
    }

    [Fact]
    public void Unknown_format_version_is_invalid_data_naming_the_version()
    {
        byte[] saved = Save(TextTokenizer.CreateCharacter(["abc"]));
        BitConverter.GetBytes(99).CopyTo(saved, 0);
        using var reader = new BinaryReader(new MemoryStream(saved));
        var error = Assert.Throws<InvalidDataException>(() => TextTokenizer.Load(reader));
        Assert.Contains("format version is 99", error.Message);
    }

    [Fact]
    public void Corrupt_character_list_is_invalid_data()
    {
        byte[] saved = Save(TextTokenizer.CreateCharacter(["abc"]));

        // version, kind, count, then 'a' 'b' 'c': make 'b' repeat 'a' so the list is no longer ascending.
        BitConverter.GetBytes((int)'a').CopyTo(saved, 16);
        using var reader = new BinaryReader(new MemoryStream(saved));
        var error = Assert.Throws<InvalidDataException>(() => TextTokenizer.Load(reader));
        Assert.Contains("ascending", error.Message);
    }

    [Fact]
    public void Corrupt_gpt2_vocabulary_is_invalid_data()
    {
        byte[] saved = Save(Gpt2TokenizerTests.Gpt2.Value);
        for (int i = 20; i < 4000; i++)
        {
            saved[i] ^= 0x5A;
        }

        using var reader = new BinaryReader(new MemoryStream(saved));
        Assert.Throws<InvalidDataException>(() => TextTokenizer.Load(reader));
    }

    [Fact]
    public void Stored_special_ids_that_disagree_with_the_definition_are_invalid_data()
    {
        byte[] saved = Save(TextTokenizer.CreateCharacter(["abc"]));

        // The last int32 is the Unk id.
        BitConverter.GetBytes(0).CopyTo(saved, saved.Length - 4);
        using var reader = new BinaryReader(new MemoryStream(saved));
        Assert.Throws<InvalidDataException>(() => TextTokenizer.Load(reader));
    }

    private static TextTokenizer Create(TokenizerKind kind) => kind switch
    {
        TokenizerKind.Gpt2 => Gpt2TokenizerTests.Gpt2.Value,
        TokenizerKind.WordPiece => WordPieceTokenizerTests.BertUncased.Value,
        TokenizerKind.Character => TextTokenizer.CreateCharacter(["Once upon a time, naïve ☃ said \"hi\""]),
        _ => Llama2cTokenizerTests.Tok512.Value,
    };

    private static byte[] Save(TextTokenizer tokenizer)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            tokenizer.Save(writer);
        }

        return stream.ToArray();
    }
}
