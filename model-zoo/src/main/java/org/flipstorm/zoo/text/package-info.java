/** Class descriptions and their sentence embeddings, the initial rows of text-guided heads. */
package org.flipstorm.zoo.text;
