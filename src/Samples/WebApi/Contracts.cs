namespace WebApi;

// The JSON bodies of the API. `required` members are checked by System.Text.Json: a body without one is answered 400, naming it.

/// <summary>POST /predict and POST /attention: a text.</summary>
public sealed record TextRequest
{
    public required string Text { get; init; }

    /// <summary>POST /attention only: the layer and head to return. Default: 0, 0.</summary>
    public int Layer { get; init; }

    public int Head { get; init; }
}

/// <summary>POST /answer: a question about a paragraph.</summary>
public sealed record AnswerRequest
{
    public required string Question { get; init; }

    public required string Context { get; init; }
}

/// <summary>POST /generate: the prompt to continue, and at most how many tokens. Default: the model's saved setting.</summary>
public sealed record GenerateRequest
{
    public required string Prompt { get; init; }

    public int? MaxTokens { get; init; }
}

/// <summary>The sentiment of a text.</summary>
public sealed record SentimentResponse(string Label, float Probability);

/// <summary>An answer: a span of the paragraph.</summary>
public sealed record AnswerResponse(string Answer, int Start, float Score);

/// <summary>One streamed piece of generated text (a server-sent event).</summary>
public sealed record GeneratedPiece(string Text);

/// <summary>One head's attention weights over the text's tokens: <c>Weights[query][key]</c>.</summary>
public sealed record AttentionResponse(IReadOnlyList<string> Tokens, int LayerCount, int HeadCount, int Layer, int Head, float[][] Weights);

/// <summary>A 400 or 503 answer.</summary>
public sealed record ErrorResponse(string Error);
