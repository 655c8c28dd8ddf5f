using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Persistence.Export;
using Microsoft.ML.Attention.Tokenization;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// <see cref="TransformerTask.TokenClassification"/>: a <see cref="TokenClassifier"/> over the words of a sentence (a vector of text, or a
/// text column split on white space), one of C classes per word.
/// </summary>
internal sealed class TokenClassificationSpec : TaskSpec<TokenClassifier>
{
    public const string PredictedLabelColumnName = "PredictedLabel";
    public const string ScoreColumnName = "Score";
    public const string EntitiesColumnName = "Entities";
    public const string EntityTypesColumnName = "EntityTypes";
    public const string EntityStartsColumnName = "EntityStarts";
    public const string EntityLengthsColumnName = "EntityLengths";
    public const string EntityScoresColumnName = "EntityScores";

    /// <summary>The ONNX output [batch, sequence, C]: each token's logits, which the scorer reads on either engine.</summary>
    public const string LogitsOutput = "logits";

    /// <summary>The ONNX input [batch, sequence] int64 with case features: each position's <see cref="WordShape"/>.</summary>
    public const string WordShapeIdsInputName = "word_shape_ids";

    public TokenClassificationSpec(string wordsColumnName, bool wordsAreVector, TokenClassificationLabels labels, TagScheme tagScheme,
        TokenAggregation aggregation, int stride, bool addEntities, bool caseFeatures)
    {
        WordsColumnName = wordsColumnName;
        WordsAreVector = wordsAreVector;
        Labels = labels;
        TagScheme = tagScheme;
        Aggregation = aggregation;
        Stride = stride;
        AddEntities = addEntities;
        CaseFeatures = caseFeatures;
    }

    public string WordsColumnName { get; }

    /// <summary>true = the words are a vector of text; false = a text column split on white space.</summary>
    public bool WordsAreVector { get; }

    public TokenClassificationLabels Labels { get; }
    public TagScheme TagScheme { get; }
    public TokenAggregation Aggregation { get; }
    public int Stride { get; }
    public bool AddEntities { get; }

    /// <summary>true = the network adds a word-shape embedding to its input embeddings (<see cref="TokenClassificationOptions.CaseFeatures"/>).</summary>
    public bool CaseFeatures { get; }

    /// <summary>The entity columns (each a variable-length vector, one value per entity).</summary>
    public static IReadOnlyList<(string Name, PrimitiveDataViewType ItemType)> EntityColumns { get; } =
    [
        (EntitiesColumnName, TextDataViewType.Instance), (EntityTypesColumnName, TextDataViewType.Instance), (EntityStartsColumnName, NumberDataViewType.Int32),
        (EntityLengthsColumnName, NumberDataViewType.Int32), (EntityScoresColumnName, NumberDataViewType.Single),
    ];

    public override TransformerTask Task => TransformerTask.TokenClassification;

    public override IReadOnlyList<string> InputColumnNames => [WordsColumnName];

    /// <summary>The scorer's input column: words or text, as the training data had it.</summary>
    public TaskInputColumn InputColumn => new(WordsColumnName, IsWords: WordsAreVector);

    public override TokenClassifier CreateNetwork(TransformerConfig config) => new(config, Labels.Count, CaseFeatures ? WordShapes.Count : 0);

    public override ITaskScorer CreateScorer(TaskModel<TokenClassifier> model, InferenceSettings settings) =>
        new TokenClassificationScorer(model, this, settings);

    /// <summary>The aligner of words and sub-words for windows of <paramref name="maxLength"/> positions.</summary>
    public TokenClassificationAligner CreateAligner(TextTokenizer tokenizer, int maxLength) => new(tokenizer, maxLength, Stride, CaseFeatures);

    /// <summary>
    /// ONNX output <c>logits</c> [batch, sequence, C]: the classifier at every position of each window (no token types, as the library's
    /// forward). With case features the graph has one more input, <c>word_shape_ids</c> [batch, sequence] int64 (each position's
    /// <see cref="WordShape"/>, as <see cref="TokenClassificationAligner.Tensors"/> gives them), whose embedding is added to the input
    /// embeddings. Aligning words with sub-words, the word shapes, windows and the aggregation stay in .NET.
    /// </summary>
    public override void WriteOnnxOutputs(OnnxHeadWriter writer)
    {
        var backbone = writer.Backbone;
        string? shapes = null;
        if (CaseFeatures)
        {
            writer.TokenInput(WordShapeIdsInputName);
            shapes = writer.Graph.Node("Gather", [writer.Weights.Get("shape_embedding.weight"), WordShapeIdsInputName]); // [B, T, D]
        }
        var logits = backbone.Linear(backbone.Hidden(causal: false, readTokenTypes: false, addedEmbeddings: shapes), writer.Weights.Get("classifier.weight"),
            writer.Weights.Get("classifier.bias")); // [B*T, C]
        writer.Output(LogitsOutput, backbone.Unflatten(logits, Labels.Count), perToken: true, Labels.Count); // [B, T, C]
    }

    // *** Binary format ***
    // string: words column name
    // bool: the words are a vector of text (false: a text column split on white space)
    // int: tag scheme (TagScheme)
    // int: aggregation (TokenAggregation)
    // int: stride (tokens)
    // bool: entity columns
    // TokenClassificationLabels (keys or text, class names, optional key values)
    // bool: case features (format 0x00010003 on; a spec without it, saved before, has none)
    public override void Save(BinaryWriter writer)
    {
        writer.Write(WordsColumnName);
        writer.Write(WordsAreVector);
        writer.Write((int)TagScheme);
        writer.Write((int)Aggregation);
        writer.Write(Stride);
        writer.Write(AddEntities);
        Labels.Save(writer);
        writer.Write(CaseFeatures);
    }

    public static TokenClassificationSpec Load(BinaryReader reader)
    {
        string words = reader.ReadString();
        bool vector = reader.ReadBoolean();
        var scheme = (TagScheme)reader.ReadInt32();
        var aggregation = (TokenAggregation)reader.ReadInt32();
        int stride = reader.ReadInt32();
        bool entities = reader.ReadBoolean();
        if (!Enum.IsDefined(scheme) || !Enum.IsDefined(aggregation) || stride < 1)
            throw new InvalidDataException($"The saved model has invalid token-classification settings (tag scheme {(int)scheme}, aggregation {(int)aggregation}, stride {stride}).");
        var labels = TokenClassificationLabels.Load(reader);
        bool caseFeatures = reader.BaseStream.Position < reader.BaseStream.Length && reader.ReadBoolean();
        return new TokenClassificationSpec(words, vector, labels, scheme, aggregation, stride, entities, caseFeatures);
    }
}
