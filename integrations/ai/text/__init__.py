"""Text models behind Comprehend: sentiment, entities, dominant language and key phrases."""
