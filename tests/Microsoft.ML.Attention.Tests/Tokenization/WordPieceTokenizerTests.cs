using System.Text;
using Microsoft.ML.Attention.Tokenization;

namespace Microsoft.ML.Attention.Tests.Tokenization;

public class WordPieceTokenizerTests
{
    internal static readonly Lazy<TextTokenizer> BertUncased = new(() => TextTokenizer.CreateWordPiece(VocabularyPath));

    internal static string VocabularyPath => TestData.Path("vocab", "bert-base-uncased", "vocab.txt");

    [Fact]
    public void Hello_world_encodes_to_the_bert_uncased_ids_of_its_words_and_punctuation()
    {
        // [hello] [,] [world] [!] in bert-base-uncased's vocab.txt.
        Assert.Equal([7592, 1010, 2088, 999], BertUncased.Value.Encode("Hello, world!"));
    }

    [Fact]
    public void Word_missing_from_the_vocabulary_splits_into_word_pieces()
    {
        // "unaffable" is not in vocab.txt: un ##af ##fa ##ble style pieces, glued back by decode.
        int[] ids = BertUncased.Value.Encode("unaffable");
        Assert.Equal([14477, 20961, 3468], ids);
        Assert.Equal("unaffable", BertUncased.Value.Decode(ids));
    }

    [Fact]
    public void Word_with_no_possible_pieces_encodes_to_unk()
    {
        // Cased input against the uncased vocabulary: no piece starts with 'H' followed by 'é'.
        TextTokenizer cased = TextTokenizer.CreateWordPiece(VocabularyPath, lowerCase: false);
        Assert.Equal([cased.Special.Unk, 7592], cased.Encode("Héllo hello"));
        Assert.Equal("[UNK] hello", cased.Decode(cased.Encode("Héllo hello"), skipSpecialTokens: false));
    }

    [Fact]
    public void Special_ids_come_from_the_vocabulary()
    {
        TextTokenizer tokenizer = BertUncased.Value;
        Assert.Equal(new SpecialTokenIds(Pad: 0, Mask: 103, Bos: 101, Eos: 102, Unk: 100), tokenizer.Special);
        Assert.Equal(30522, tokenizer.VocabularySize);
        Assert.Equal(30522, tokenizer.BaseVocabularySize);
    }

    [Fact]
    public void Lower_cased_text_round_trips_through_decode()
    {
        TextTokenizer tokenizer = BertUncased.Value;
        Assert.Equal("hello, world! unaffable", tokenizer.Decode(tokenizer.Encode("Hello, world! unaffable")));
        Assert.Equal("[CLS] hello [SEP]", tokenizer.Decode([101, 7592, 102], skipSpecialTokens: false));
    }

    [Fact]
    public void Stream_overload_matches_the_file_overload()
    {
        using var stream = new MemoryStream(File.ReadAllBytes(VocabularyPath));
        TextTokenizer fromStream = TextTokenizer.CreateWordPiece(stream);
        Assert.Equal(BertUncased.Value.Encode("The quick brown fox."), fromStream.Encode("The quick brown fox."));
    }

    [Fact]
    public void Vocabulary_without_special_tokens_is_invalid_data()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("hello\nworld\n"));
        var error = Assert.Throws<InvalidDataException>(() => TextTokenizer.CreateWordPiece(stream));
        Assert.Contains("WordPiece vocabulary stream", error.Message);
    }

    [Fact]
    public void Missing_vocabulary_file_names_the_path()
    {
        string path = Path.Combine(Path.GetTempPath(), "no-such-vocab-" + Guid.NewGuid().ToString("N") + ".txt");
        var error = Assert.Throws<FileNotFoundException>(() => TextTokenizer.CreateWordPiece(path));
        Assert.Contains(path, error.Message);
    }
}
